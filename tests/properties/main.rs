//! Property tests: random and mutated input at every door a hostile or broken file can come in
//! by. Each target checks that nothing panics and that what comes out keeps its promise: the
//! Markdown renderer's HTML, read back by a browser-grade tokenizer, holds no script, handler,
//! unsafe URL or embedding element and closes every element it opens; a sanitised SVG, read back
//! by an XML parser, loads nothing from elsewhere; readers of the data files turn corrupted bytes
//! into errors. Every defect these found has a plain `#[test]` named after it, with the smallest
//! input that showed it, beside the property that found it.
//!
//! Case counts keep a default run of the whole file within about a minute on two cores in the
//! dev profile. `FIELDNOTES_PROPTEST_CASES=N` runs every target with N cases instead, for long
//! runs (see `bench/robustness.md`); select one target by name as with any test:
//! `FIELDNOTES_PROPTEST_CASES=200000 cargo test --release --test properties markdown_post`.

mod comments;
mod front_matter;
mod html_check;
mod images;
mod import;
mod markdown;
mod model;
mod sealed;
mod search;
mod strategies;

use proptest::test_runner::Config;

/// The configuration of a target whose default run takes `default` cases: the env var's count
/// when set, no failure files written (a failure found becomes a named regression test).
pub fn config(default: u32) -> Config {
    let cases = std::env::var("FIELDNOTES_PROPTEST_CASES")
        .ok()
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(default);
    Config {
        cases,
        failure_persistence: None,
        // Shrinking a slow target's failure can otherwise take longer than finding it.
        max_shrink_iters: 2048,
        ..Config::default()
    }
}

/// Whether `run` grows about linearly: the best of nine timings at `8n` over the best at `n`,
/// the two sizes taken in turn so that a busy machine slows both alike. Linear work gives about
/// 8, quadratic 64; the bound of 24 sits between them with room for a factor of three of noise
/// either way (a bound of 10 on a factor of 4 failed once on two cores shared by three builds).
pub fn assert_linear(name: &str, n: usize, run: impl Fn(usize)) {
    let time = |size: usize| {
        let start = std::time::Instant::now();
        run(size);
        start.elapsed().as_secs_f64()
    };
    let (mut small, mut large) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..9 {
        small = small.min(time(n));
        large = large.min(time(8 * n));
    }
    let ratio = large / small.max(1e-6);
    assert!(
        ratio < 24.0,
        "{name}: {n} units took {:.2} ms, {} took {:.2} ms (×{ratio:.1}): quadratic",
        small * 1e3,
        8 * n,
        large * 1e3
    );
}
