//! The `fieldnotes` command: builds a site from Markdown, writes route pages, reports sizes.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use clap::{Parser, Subcommand};
    use fieldnotes::builder::{self, BuildOptions, StubOptions};
    use std::path::PathBuf;
    use std::process::ExitCode;

    /// Fieldnotes: a static, offline-capable blog built from Markdown.
    #[derive(Parser)]
    #[command(version, about)]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Build the site data (manifest, post index, one JSON file per post, media) from Markdown.
        Build {
            /// Folder holding site.toml, the posts (*.md) and media/.
            #[arg(long, default_value = "content")]
            content: PathBuf,
            /// Folder to write; it is replaced as a whole, atomically. Trunk copies public/ into dist/.
            #[arg(long, default_value = "public/data")]
            out: PathBuf,
            /// Publish posts marked `draft: true` too (for previewing).
            #[arg(long)]
            drafts: bool,
        },
        /// Write one HTML file per route (posts, 404) into a built site; run by Trunk after each build.
        Stubs {
            /// The built site (Trunk sets TRUNK_STAGING_DIR during its build).
            #[arg(long, env = "TRUNK_STAGING_DIR", default_value = "dist")]
            dist: PathBuf,
            /// The public URL Trunk built for; must equal base_path in site.toml.
            #[arg(long, env = "TRUNK_PUBLIC_URL")]
            public_url: Option<String>,
        },
        /// Print each file of a built site raw, gzip and brotli, and what a first visit to / downloads.
        SizeReport {
            /// The built site.
            #[arg(long, default_value = "dist")]
            dist: PathBuf,
        },
    }

    pub fn main() -> ExitCode {
        let cli = Cli::parse();
        match cli.command {
            Command::Build {
                content,
                out,
                drafts,
            } => {
                match builder::build(&BuildOptions {
                    content,
                    out: out.clone(),
                    drafts,
                }) {
                    Ok(summary) => {
                        eprintln!(
                            "fieldnotes: built {} posts ({} drafts left out) into {}: {} files, build {}",
                            summary.posts,
                            summary.drafts_skipped,
                            out.display(),
                            summary.files,
                            summary.build_id
                        );
                        ExitCode::SUCCESS
                    }
                    Err(problems) => {
                        eprintln!("{problems}");
                        ExitCode::from(2)
                    }
                }
            }
            Command::Stubs { dist, public_url } => finish(
                builder::write_stubs(&dist, &StubOptions { public_url }).map(|n| {
                    eprintln!("fieldnotes: wrote {n} route pages into {}", dist.display());
                }),
            ),
            Command::SizeReport { dist } => finish(builder::size_report(&dist).map(|report| {
                println!("{report}");
            })),
        }
    }

    fn finish(result: anyhow::Result<()>) -> ExitCode {
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("fieldnotes: error: {e:#}");
                ExitCode::from(2)
            }
        }
    }
}
