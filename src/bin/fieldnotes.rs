//! The `fieldnotes` command: builds a site from Markdown, writes route pages, previews a site while
//! it is written, reports sizes.

/// The builder makes millions of small allocations (words, terms, JSON); mimalloc serves them
/// faster than the system allocator.
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use anyhow::Context;
    use clap::{Parser, Subcommand};
    use fieldnotes::builder::{self, BuildOptions, StubOptions};
    use fieldnotes::writing::INTERRUPTED_EXIT;
    use std::path::PathBuf;
    use std::process::ExitCode;

    /// The exit codes of every command, as `--help` and the README list them.
    const EXIT_CODES: &str = "Exit codes:
  0    done
  1    the system failed: a file or folder could not be written or read (a full disk, no
       permission, an output path that is not a folder), a port already taken
  2    what was given is wrong: an unknown option or a missing value, a folder or file that
       does not exist, problems in the content
  130  interrupted by Ctrl-C
A failed or interrupted command leaves its previous output as it was: a build replaces its
output folder only once complete, other commands replace each file only once it is complete.";

    /// Exit 1: the system failed (see [`EXIT_CODES`]).
    const SYSTEM_FAILED: u8 = 1;
    /// Exit 2: what was given is wrong, as clap's own usage errors.
    const WRONG_INPUT: u8 = 2;

    /// Fieldnotes: a static, offline-capable blog built from Markdown.
    #[derive(Parser)]
    #[command(version, about, after_help = EXIT_CODES)]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    /// Where to read and what to publish, shared by `build` and `check`.
    #[derive(clap::Args)]
    struct Source {
        /// Folder holding site.toml, the posts (*.md, *.markdown, *.mdx, in any sub-folders) and their files.
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// Publish posts marked as drafts (`draft: true`, `published: false`, `_drafts/`).
        #[arg(long)]
        drafts: bool,
        /// Publish posts whose publishDate is still to come.
        #[arg(long)]
        future: bool,
        /// Publish posts past their expiryDate.
        #[arg(long)]
        expired: bool,
        /// Treat warnings (links to missing posts, missing images, posts without a date) as errors.
        #[arg(long)]
        strict: bool,
        /// Serve the site under this path instead of site.toml's base_path (e.g. /blog/); build
        /// Trunk with the same --public-url.
        #[arg(long, env = "FIELDNOTES_BASE_PATH")]
        base_path: Option<String>,
        /// Where resized photos are kept between builds, so an unchanged one costs nothing;
        /// safe to delete.
        #[arg(
            long,
            env = "FIELDNOTES_IMAGE_CACHE",
            default_value = ".fieldnotes-cache/images"
        )]
        image_cache: PathBuf,
    }

    impl Source {
        fn options(self, out: PathBuf) -> BuildOptions {
            BuildOptions {
                content: self.content,
                out,
                drafts: self.drafts,
                future: self.future,
                expired: self.expired,
                strict: self.strict,
                today: None,
                progress: true,
                base_path: self.base_path,
                image_cache: Some(self.image_cache),
            }
        }
    }

    #[derive(Subcommand)]
    enum Command {
        /// Build the site data (manifest, lists, one JSON file per post, search index, media) from Markdown.
        Build {
            #[command(flatten)]
            source: Source,
            /// Folder to write; it is replaced as a whole, atomically. Trunk copies public/ into dist/.
            #[arg(long, default_value = "public/data")]
            out: PathBuf,
            /// Keep each post as read in --post-cache, so that the next build with this flag reads
            /// and parses again only the post files that changed.
            #[arg(long)]
            incremental: bool,
            /// Where --incremental keeps the posts as read, a file each; as private as the content
            /// folder (drafts' text included, never a protected post); safe to delete.
            #[arg(
                long,
                env = "FIELDNOTES_POST_CACHE",
                default_value = ".fieldnotes-cache/posts"
            )]
            post_cache: PathBuf,
        },
        /// Preview the site while writing it: build it in memory, serve it at http://127.0.0.1:8080
        /// and rebuild after every edit of the content, reloading open pages. Writes nothing of the
        /// site to disk (never dist/); edits of the builder's code need a restart.
        Serve {
            #[command(flatten)]
            source: Source,
            /// The port on 127.0.0.1 (0: any free port).
            #[arg(long, default_value_t = 8080)]
            port: u16,
            /// The app shell's folder (index.html and the app's files), built by Trunk; never dist/.
            #[arg(long, default_value = "target/preview/app")]
            app: PathBuf,
            /// How to build the app shell into --app, and again after edits of the app's code or
            /// style: `debug` builds quickest, `never` serves --app as it is.
            #[arg(long, value_enum, default_value_t = AppBuildArg::Debug)]
            app_build: AppBuildArg,
        },
        /// Check every post and report problems, without writing anything.
        Check {
            #[command(flatten)]
            source: Source,
        },
        /// Create a new post, dated today, as a draft: `fieldnotes new "Day 3: The river"`.
        New {
            /// The post's title; the file name (and URL) is made from it.
            title: String,
            /// Folder to create it in.
            #[arg(long, default_value = "content")]
            content: PathBuf,
        },
        /// Write one HTML file per route (posts, aliases, 404), the service worker, web app manifest, feeds, sitemap and host rules into a built site; run by Trunk after each build.
        Stubs {
            /// The built site (Trunk sets TRUNK_STAGING_DIR during its build).
            #[arg(long, env = "TRUNK_STAGING_DIR", default_value = "dist")]
            dist: PathBuf,
            /// The public URL Trunk built for; must equal base_path in site.toml.
            #[arg(long, env = "TRUNK_PUBLIC_URL")]
            public_url: Option<String>,
            /// Then write .br and .gz copies of the text files (as `fieldnotes compress` does):
            /// `release` does it in Trunk's release builds only (TRUNK_PROFILE=release).
            #[arg(long, env = "FIELDNOTES_COMPRESS", value_enum, default_value_t = CompressWhen::Release)]
            compress: CompressWhen,
        },
        /// Cut the app's WASM into its reading core and the chunks it loads on use (the split
        /// points of src/app/split.rs); run by Trunk after each build, before `stubs`.
        Split {
            /// The built site (Trunk sets TRUNK_STAGING_DIR during its build).
            #[arg(long, env = "TRUNK_STAGING_DIR", default_value = "dist")]
            dist: PathBuf,
            /// Trunk's profile (TRUNK_PROFILE): `release` also runs wasm-opt on every module and
            /// minifies the scripts and the stylesheet with esbuild.
            #[arg(long, env = "TRUNK_PROFILE", default_value = "release")]
            profile: String,
            /// Cargo's WASM of the app [default: <target dir>/wasm32-unknown-unknown/<profile>/fieldnotes-app.wasm].
            #[arg(long)]
            wasm: Option<PathBuf>,
        },
        /// Write .br (brotli) and .gz (gzip) copies of a built site's text files, for hosts that
        /// serve stored copies (nginx gzip_static/brotli_static, Caddy precompressed, S3).
        Compress {
            /// The built site.
            #[arg(long, default_value = "dist")]
            dist: PathBuf,
        },
        /// Bring another blog's posts, pages, images and comments into a content folder.
        Import {
            #[command(subcommand)]
            from: ImportFrom,
        },
        /// Comments: the intake server readers send comments to, and moderating them.
        Comments {
            #[command(subcommand)]
            action: CommentsAction,
        },
        /// Print each file of a built site raw, gzip and brotli, and what a first visit to / and to a post download.
        ///
        /// With --budgets, then check those sizes and the pieces the budgets file names against their
        /// budgets (brotli KB): exit 1 when one is over, naming it on stderr; exit 2 when the
        /// budgets file is missing or wrong, or a piece's pattern matches no file.
        SizeReport {
            /// The built site.
            #[arg(long, default_value = "dist")]
            dist: PathBuf,
            /// The budgets file to check the sizes against (the repository's is budgets.toml).
            #[arg(long, value_name = "FILE")]
            budgets: Option<PathBuf>,
        },
    }

    /// `fieldnotes comments …`.
    #[derive(Subcommand)]
    enum CommentsAction {
        /// Take new comments at /api/comments, storing them as pending (creates the database).
        Serve {
            #[arg(long, default_value = "comments.sqlite")]
            db: PathBuf,
            /// The built site, to know its posts and published comments.
            #[arg(long, default_value = "dist")]
            site: PathBuf,
            #[arg(long, default_value = "127.0.0.1:8787")]
            listen: std::net::SocketAddr,
            /// Another origin whose pages may send comments (https://example.org); the built
            /// site's base_url and the server's own origin always may.
            #[arg(long)]
            origin: Option<String>,
            /// A shell command run for each new comment, with the comment as JSON on its stdin.
            #[arg(long)]
            notify: Option<String>,
            /// Behind a reverse proxy: the client's address is the last X-Forwarded-For entry.
            #[arg(long)]
            trust_proxy: bool,
            /// Most comments one client may send in ten minutes.
            #[arg(long, default_value_t = 5)]
            per_10_minutes: u32,
            /// Most comments one client may send in a day.
            #[arg(long, default_value_t = 30)]
            per_day: u32,
        },
        /// One comment a line: id, status, post, author, the start of the text.
        List {
            #[arg(long, default_value = "comments.sqlite")]
            db: PathBuf,
            /// Only the comments waiting for moderation.
            #[arg(long)]
            pending: bool,
        },
        /// Approve comments by id (then `export` them).
        Approve {
            #[arg(long, default_value = "comments.sqlite")]
            db: PathBuf,
            #[arg(required = true)]
            ids: Vec<String>,
        },
        /// Reject comments by id.
        Reject {
            #[arg(long, default_value = "comments.sqlite")]
            db: PathBuf,
            #[arg(required = true)]
            ids: Vec<String>,
        },
        /// Write the approved comments as content files, content/comments/<post>/<id>.md.
        Export {
            #[arg(long, default_value = "comments.sqlite")]
            db: PathBuf,
            #[arg(long, default_value = "content")]
            content: PathBuf,
        },
        /// Drop rejected comments and address hashes older than an age; draw a new salt.
        Purge {
            #[arg(long, default_value = "comments.sqlite")]
            db: PathBuf,
            #[arg(long, default_value = "90d")]
            older_than: String,
        },
    }

    /// `fieldnotes comments …`.
    fn comments(action: CommentsAction) -> anyhow::Result<()> {
        use fieldnotes::comments::{cli, ServeOptions, Status};
        match action {
            CommentsAction::Serve {
                db,
                site,
                listen,
                origin,
                notify,
                trust_proxy,
                per_10_minutes,
                per_day,
            } => {
                let mut opts = ServeOptions::new(db, site);
                opts.limits = fieldnotes::comments::Limits {
                    per_10_min: per_10_minutes,
                    per_day,
                };
                opts.listen = listen;
                opts.origin = origin;
                opts.notify = notify;
                opts.trust_proxy = trust_proxy;
                cli::serve(opts)
            }
            CommentsAction::List { db, pending } => {
                for line in cli::list(&db, pending)? {
                    println!("{line}");
                }
                Ok(())
            }
            CommentsAction::Approve { db, ids } => cli::decide(&db, &ids, Status::Approved),
            CommentsAction::Reject { db, ids } => cli::decide(&db, &ids, Status::Rejected),
            CommentsAction::Export { db, content } => {
                let (written, current) = cli::export_to(&db, &content)?;
                eprintln!(
                    "fieldnotes comments: wrote {written} comment files, {current} already current"
                );
                Ok(())
            }
            CommentsAction::Purge { db, older_than } => {
                let (dropped, forgotten) = cli::purge(&db, &older_than)?;
                eprintln!("fieldnotes comments: dropped {dropped} rejected comments, forgot {forgotten} address hashes, new salt drawn");
                Ok(())
            }
        }
    }

    /// The blogs `fieldnotes import` reads.
    #[derive(Subcommand)]
    enum ImportFrom {
        /// WordPress export files (Tools → Export → All content): `fieldnotes import wordpress
        /// site.WordPress.xml --content content --media wp-content/uploads`.
        Wordpress {
            /// The export files; several are merged by post id (a later file wins).
            #[arg(required = true)]
            exports: Vec<PathBuf>,
            /// Folder to write the posts, pages, comments and site.toml into.
            #[arg(long, default_value = "content")]
            content: PathBuf,
            /// The unpacked wp-content/uploads folder (holding 2024/03/photo.jpg): images are copied
            /// from it beside their posts. Without it, images become links to their old address.
            #[arg(long)]
            media: Option<PathBuf>,
            /// Replace files that already exist in the content folder.
            #[arg(long)]
            force: bool,
            /// The menu (its slug, as the export names it) whose links become the header's: by
            /// default one named primary, main, header, top or navigation, else the largest.
            #[arg(long)]
            menu: Option<String>,
        },
    }

    /// How `fieldnotes serve` builds the app shell.
    #[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
    enum AppBuildArg {
        /// `trunk build`: a debug WASM, quickest to build again after an edit.
        Debug,
        /// `trunk build --release`, as deployed.
        Release,
        /// Not at all: serve --app as it is, and do not watch the app's code.
        Never,
    }

    /// When `fieldnotes stubs` writes compressed copies.
    #[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
    enum CompressWhen {
        /// In Trunk's release builds (a development build's WASM is large and changes often).
        Release,
        Always,
        Never,
    }

    impl CompressWhen {
        fn now(self) -> bool {
            match self {
                CompressWhen::Release => {
                    std::env::var("TRUNK_PROFILE").is_ok_and(|profile| profile == "release")
                }
                CompressWhen::Always => true,
                CompressWhen::Never => false,
            }
        }
    }

    pub fn main() -> ExitCode {
        let cli = Cli::parse();
        // The two servers stop on Ctrl-C themselves; every other command may be writing.
        let server = matches!(
            cli.command,
            Command::Serve { .. }
                | Command::Comments {
                    action: CommentsAction::Serve { .. }
                }
        );
        if !server {
            fieldnotes::writing::on_ctrl_c("fieldnotes");
        }
        match cli.command {
            Command::Build {
                source,
                out,
                incremental,
                post_cache,
            } => build(source.options(out), incremental.then_some(post_cache)),
            Command::Check { source } => check(&source.options(PathBuf::new())),
            Command::Serve {
                source,
                port,
                app,
                app_build,
            } => finish(serve(source, port, app, app_build)),
            Command::New { title, content } => finish(new_post(&title, &content)),
            Command::Stubs {
                dist,
                public_url,
                compress,
            } => finish(stubs(&dist, public_url).and_then(|()| {
                if compress.now() {
                    self::compress(&dist)?;
                }
                Ok(())
            })),
            Command::Compress { dist } => finish(compress(&dist)),
            Command::Split {
                dist,
                profile,
                wasm,
            } => finish(split(&dist, &profile, wasm)),
            Command::Import {
                from:
                    ImportFrom::Wordpress {
                        exports,
                        content,
                        media,
                        force,
                        menu,
                    },
            } => {
                let opts = fieldnotes::import::WordpressOptions {
                    exports,
                    content: content.clone(),
                    media,
                    force,
                    menu,
                };
                finish(fieldnotes::import::wordpress(&opts).map(|report| {
                    println!("{report}");
                    eprintln!(
                        "fieldnotes: imported into {}; check it with `fieldnotes check --content {}`",
                        content.display(),
                        content.display()
                    );
                }))
            }
            Command::Comments { action } => finish(comments(action)),
            Command::SizeReport { dist, budgets } => size_report(dist, budgets),
        }
    }

    /// `fieldnotes size-report`: the report, then with `budgets` the check (over budget: exit 1).
    fn size_report(dist: PathBuf, budgets: Option<PathBuf>) -> ExitCode {
        // Read first: a mistake in the file shows before the long compression of the site.
        let budgets = match budgets.as_deref().map(builder::Budgets::load).transpose() {
            Ok(budgets) => budgets,
            Err(e) => return finish(Err(e)),
        };
        let report = match builder::size_report(&dist) {
            Ok(report) => report,
            Err(e) => return finish(Err(e)),
        };
        println!("{report}");
        let Some(budgets) = budgets else {
            return ExitCode::SUCCESS;
        };
        match budgets.check(&report, &dist) {
            Ok(check) => {
                println!("\n{check}");
                let violations = check.violations();
                for violation in &violations {
                    eprintln!("fieldnotes: error: {violation}");
                }
                // Over budget is neither bad input nor a failed system: exit 1, the
                // usual status of a check that fails (as `--help` says).
                if violations.is_empty() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            }
            Err(e) => finish(Err(e)),
        }
    }

    /// `fieldnotes build`: content problems exit 2; a write that fails (or Ctrl-C) leaves the
    /// previous output.
    /// `fieldnotes build`, through the posts kept in `kept` when given (`--incremental`).
    fn build(opts: BuildOptions, kept: Option<PathBuf>) -> ExitCode {
        let loaded = match &kept {
            Some(dir) => builder::load_site_incremental(&opts, dir).map(|(site, reread)| {
                eprintln!(
                    "fieldnotes: {} post files read and parsed, {} taken as {} kept them",
                    reread.parsed,
                    reread.kept,
                    dir.display()
                );
                site
            }),
            None => builder::load_site(&opts),
        };
        let site = match loaded {
            Ok(site) => site,
            Err(problems) => return report(Err(problems)),
        };
        let out = opts.out;
        match builder::write_site(site, &out) {
            Ok(summary) => {
                print_warnings(&summary.warnings);
                eprintln!(
                    "fieldnotes: built {} posts into {}: {} files, build {}{}",
                    summary.posts,
                    out.display(),
                    summary.files,
                    summary.build_id,
                    left_out(&summary.skipped),
                );
                ExitCode::SUCCESS
            }
            Err(e) => finish(Err(anyhow::Error::new(e).context(format!(
                "cannot write the site into {} (what was there is left as it was)",
                out.display()
            )))),
        }
    }

    /// `fieldnotes check`: every problem of the content, and the originals that carry a position.
    fn check(opts: &BuildOptions) -> ExitCode {
        report(builder::load_site(opts).map(|site| {
            print_warnings(&site.warnings);
            if !site.located.is_empty() {
                eprintln!(
                    "fieldnotes: {} image(s) in the content folder carry a GPS position \
                     (the site publishes copies without it; remove it from the originals \
                     before sharing them elsewhere):",
                    site.located.len()
                );
                for path in &site.located {
                    eprintln!("  {path}");
                }
            }
            let tracked = builder::tracked_passwords(&opts.content);
            if !tracked.is_empty() {
                eprintln!(
                    "fieldnotes: warning: {} file(s) of the content folder hold a password and git \
                     tracks them: whoever can read the repository can read the protected posts. \
                     Keep passwords in {} (listed in .gitignore, removed from git with \
                     `git rm --cached`) or in an environment variable named by password_env:",
                    tracked.len(),
                    builder::PASSWORDS_FILE
                );
                for path in &tracked {
                    eprintln!("  {path}");
                }
            }
            eprintln!(
                "fieldnotes: {} posts checked, no errors{}",
                site.posts.len(),
                left_out(&site.skipped)
            );
        }))
    }

    /// `fieldnotes serve`: the preview, until stopped.
    fn serve(
        source: Source,
        port: u16,
        app: PathBuf,
        app_build: AppBuildArg,
    ) -> anyhow::Result<()> {
        let mut build = source.options(PathBuf::new());
        build.progress = false;
        fieldnotes::preview::serve(fieldnotes::preview::ServeOptions {
            build,
            port,
            app,
            app_build: match app_build {
                AppBuildArg::Debug => fieldnotes::preview::AppBuild::Debug,
                AppBuildArg::Release => fieldnotes::preview::AppBuild::Release,
                AppBuildArg::Never => fieldnotes::preview::AppBuild::Never,
            },
        })
    }

    fn stubs(dist: &std::path::Path, public_url: Option<String>) -> anyhow::Result<()> {
        let stubs = builder::write_stubs(dist, &StubOptions { public_url })?;
        eprintln!(
            "fieldnotes: wrote {} route pages into {} ({} files new or changed, the others left as they were); the service worker precaches {} files ({} KB, build {})",
            stubs.pages,
            dist.display(),
            stubs.changed.unwrap_or_default(),
            stubs.offline.precache.len(),
            stubs.offline.precache_bytes.div_ceil(1024),
            stubs.offline.build_id
        );
        for warning in &stubs.warnings {
            eprintln!("fieldnotes: warning: {warning}");
        }
        Ok(())
    }

    /// `fieldnotes split`: the reading core and its chunks.
    fn split(dist: &std::path::Path, profile: &str, wasm: Option<PathBuf>) -> anyhow::Result<()> {
        let wasm = wasm.unwrap_or_else(|| builder::split::app_wasm(profile));
        let done = builder::split_app(&builder::SplitOptions {
            dist,
            wasm: &wasm,
            optimise: profile == "release",
        })?;
        eprintln!(
            "fieldnotes: split the app: reading core {} KB (was {} KB), {} chunks in {}",
            done.main_after.div_ceil(1024),
            done.main_before.div_ceil(1024),
            done.chunks.len(),
            done.folder
        );
        Ok(())
    }

    /// `fieldnotes compress`: the .br and .gz copies of the text files.
    fn compress(dist: &std::path::Path) -> anyhow::Result<()> {
        let done = builder::compress_site(dist)?;
        eprintln!(
            "fieldnotes: compressed copies of {} files in {}: {} KB raw, {} KB brotli, {} KB gzip",
            done.files,
            dist.display(),
            done.raw.div_ceil(1024),
            done.brotli.div_ceil(1024),
            done.gzip.div_ceil(1024)
        );
        Ok(())
    }

    fn print_warnings(warnings: &[builder::Problem]) {
        for warning in warnings {
            eprintln!("{warning}");
        }
    }

    fn left_out(skipped: &builder::Skipped) -> String {
        let mut parts = Vec::new();
        for (n, what) in [
            (skipped.drafts, "drafts"),
            (skipped.scheduled, "scheduled"),
            (skipped.expired, "expired"),
            (skipped.not_posts, "not posts"),
            (skipped.unused_files, "files no post uses"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!(" ({} left out)", parts.join(", "))
        }
    }

    /// Content problems: all of them on stderr, exit 2.
    fn report(result: Result<(), builder::Problems>) -> ExitCode {
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(problems) => {
                eprintln!("{problems}");
                ExitCode::from(WRONG_INPUT)
            }
        }
    }

    fn new_post(title: &str, content: &std::path::Path) -> anyhow::Result<()> {
        let slug = fieldnotes::markdown::slugify(title);
        anyhow::ensure!(
            !slug.is_empty(),
            "the title needs at least one letter or digit to make a file name"
        );
        let path = content.join(format!("{slug}.md"));
        anyhow::ensure!(
            !path.exists(),
            "{} already exists: choose another title",
            path.display()
        );
        let text = format!(
            "---\ntitle: {}\ndate: {}\ntags: []\ndraft: true\n---\nWrite here. Remove `draft: true` to publish.\n",
            serde_json::to_string(title.trim())?,
            builder::today()
        );
        std::fs::create_dir_all(content)
            .with_context(|| format!("cannot create the folder {}", content.display()))?;
        fieldnotes::writing::write_file(&path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!("{}", path.display());
        Ok(())
    }

    /// An error on stderr, and its exit code ([`EXIT_CODES`]).
    fn finish(result: anyhow::Result<()>) -> ExitCode {
        let Err(e) = result else {
            return ExitCode::SUCCESS;
        };
        let code = exit_code(&e);
        if code == INTERRUPTED_EXIT {
            eprintln!("fieldnotes: interrupted by Ctrl-C: {e}");
        } else {
            eprintln!("fieldnotes: error: {e:#}");
        }
        ExitCode::from(code)
    }

    /// Ctrl-C, a failure of the system (a file that cannot be written, a full disk, a database
    /// that cannot be opened or grow), or else a mistake in what was given.
    fn exit_code(e: &anyhow::Error) -> u8 {
        use rusqlite::ErrorCode as Sqlite;
        use std::io::ErrorKind;
        for cause in e.chain() {
            if let Some(io) = cause.downcast_ref::<std::io::Error>() {
                return match io.kind() {
                    ErrorKind::Interrupted => INTERRUPTED_EXIT,
                    ErrorKind::NotFound | ErrorKind::InvalidInput => WRONG_INPUT,
                    _ => SYSTEM_FAILED,
                };
            }
            if let Some(code) = cause
                .downcast_ref::<rusqlite::Error>()
                .and_then(rusqlite::Error::sqlite_error_code)
            {
                return match code {
                    Sqlite::DiskFull
                    | Sqlite::SystemIoFailure
                    | Sqlite::CannotOpen
                    | Sqlite::ReadOnly
                    | Sqlite::PermissionDenied
                    | Sqlite::DatabaseBusy
                    | Sqlite::DatabaseLocked => SYSTEM_FAILED,
                    _ => WRONG_INPUT,
                };
            }
        }
        WRONG_INPUT
    }
}
