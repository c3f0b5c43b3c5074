//! `fieldnotes-wxr --posts 12000 --out bench.xml`: a synthetic WordPress export for timing
//! `fieldnotes import wordpress` (see `fieldnotes_bench::wxr`).

use clap::Parser;
use fieldnotes_bench::wxr::{write_wxr, WxrOptions};
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Write a synthetic WordPress export (WXR) of posts with comments, revisions and attachments.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Number of posts.
    #[arg(long)]
    posts: usize,
    /// Comments per post on average.
    #[arg(long, default_value_t = 8)]
    comments: usize,
    /// The export file to write.
    #[arg(long)]
    out: PathBuf,
    /// Seed of the random text.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let run = || -> std::io::Result<usize> {
        let mut out = BufWriter::new(std::fs::File::create(&cli.out)?);
        let comments = write_wxr(
            &mut out,
            &WxrOptions {
                posts: cli.posts,
                comments: cli.comments,
                seed: cli.seed,
            },
        )?;
        out.flush()?;
        Ok(comments)
    };
    match run() {
        Ok(comments) => {
            let bytes = std::fs::metadata(&cli.out).map(|m| m.len()).unwrap_or(0);
            eprintln!(
                "fieldnotes-wxr: wrote {} posts and {comments} comments ({:.1} MB) into {}",
                cli.posts,
                bytes as f64 / 1e6,
                cli.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("fieldnotes-wxr: {e}");
            ExitCode::from(2)
        }
    }
}
