//! The corpus generator: `fieldnotes-corpus --posts 10000 --out bench-corpus/10k [--seed 42]`
//! writes a synthetic content folder for build benchmarks (see `fieldnotes_bench::corpus`).

use clap::Parser;
use fieldnotes_bench::corpus::{write_corpus, CorpusOptions};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Write a synthetic content folder (site.toml and posts/*.md) for build benchmarks.
/// The same seed and number of posts give byte-identical files.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Number of posts to write.
    #[arg(long)]
    posts: usize,
    /// Folder to write; its posts/ folder must be empty or missing.
    #[arg(long)]
    out: PathBuf,
    /// Seed of the random text.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let started = Instant::now();
    match write_corpus(
        &cli.out,
        &CorpusOptions {
            posts: cli.posts,
            seed: cli.seed,
        },
    ) {
        Ok(stats) => {
            eprintln!(
                "fieldnotes-corpus: wrote {} posts ({:.1} MB, {} words, seed {}) into {} in {:.1} s",
                stats.posts,
                stats.bytes as f64 / 1e6,
                stats.words,
                cli.seed,
                cli.out.display(),
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("fieldnotes-corpus: error: {e}");
            ExitCode::from(2)
        }
    }
}
