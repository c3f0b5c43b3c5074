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

/// Whether `run` grows about linearly: the best of five timings at `4n` over the best at `n`.
/// Linear work gives about 4, quadratic 16; the bound of 10 leaves room for a busy machine.
pub fn assert_linear(name: &str, n: usize, run: impl Fn(usize)) {
    let best = |size: usize| {
        (0..5)
            .map(|_| {
                let start = std::time::Instant::now();
                run(size);
                start.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    };
    let (small, large) = (best(n), best(4 * n));
    let ratio = large / small.max(1e-6);
    assert!(
        ratio < 10.0,
        "{name}: {n} units took {:.2} ms, {} took {:.2} ms (×{ratio:.1}): quadratic",
        small * 1e3,
        4 * n,
        large * 1e3
    );
}
