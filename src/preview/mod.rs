//! `fieldnotes serve`: the site previewed while it is written, like `hugo server`. It builds the
//! content in process and holds every file of the site in memory (the data, the route pages, the
//! feeds, the host files), serves them on 127.0.0.1 beside the app shell's files, and watches the
//! content folder: after an edit it reads again only the posts that changed ([`site`]), replaces
//! only the files that came out different, and tells every open page to reload over Server-Sent
//! Events ([`http`]).
//!
//! It writes nothing of the site to disk, and never into `dist/`: the app shell comes from its own
//! folder (`target/preview/app`, built by Trunk there, [`app`]), and the live-reload script exists
//! only in its answers. What `trunk build --release --offline` deploys is never touched.
//!
//! The app shell is built again by Trunk in the background when its code or style changes; the
//! builder's own code is compiled into this program, so an edit of it needs a restart (it says so).

mod app;
mod http;
mod site;
mod watch;

pub use app::{build_app, code_change, AppBuild, CodeChange};
pub use http::{with_live_script, LIVE_SCRIPT};
pub use site::{Rebuild, Site};

use crate::builder::BuildOptions;
use anyhow::{Context, Result};
use http::{Event, Server};
use std::collections::BTreeSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};

/// What `fieldnotes serve` serves, and how.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The content and what to publish of it (`out` is not used: nothing is written).
    pub build: BuildOptions,
    /// The port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The app shell's folder (`index.html`, the app's JS, WASM and CSS, `public/`'s files).
    pub app: PathBuf,
    /// Whether and how to build the app shell into `app`, and again after app edits.
    pub app_build: AppBuild,
}

/// Serves the site until the process is stopped.
pub fn serve(opts: ServeOptions) -> Result<()> {
    if opts.app_build != AppBuild::Never {
        println!(
            "serve: building the app shell into {} with Trunk",
            opts.app.display()
        );
        let took = build_app(&opts.app, opts.app_build)?;
        println!("serve: app shell built in {:.1} s", took.as_secs_f64());
    }
    anyhow::ensure!(
        opts.app.join("index.html").is_file(),
        "the app folder {} has no index.html: build it with `trunk build --offline --dist {}`, \
         or leave out --app-build never",
        opts.app.display(),
        opts.app.display()
    );
    // Watching starts before the first build: an edit made from here on is never missed, even
    // one saved while the site is built or just as the server announces itself.
    let watching = Watching::start(&opts)?;
    let listener = TcpListener::bind(("127.0.0.1", opts.port)).with_context(|| {
        format!(
            "cannot listen on 127.0.0.1:{}: pass another --port",
            opts.port
        )
    })?;
    let address = listener.local_addr()?;
    let server = Server::new(&opts.app);
    let mut site = Site::new(opts.build.clone(), &opts.app);
    rebuild(&mut site, &server, "first build");
    let base = server.state.read().map_or("/".into(), |s| s.base.clone());
    println!("serve: serving the site at http://{address}{base} (Ctrl-C stops)");
    let running = server.clone();
    std::thread::spawn(move || {
        if let Err(e) = running.run(listener) {
            eprintln!("serve: the server stopped: {e}");
            std::process::exit(1);
        }
    });
    watch_and_rebuild(&opts, watching, &mut site, &server)
}

/// The folders watched: the content, and the app's code when the server builds the app.
struct Watching {
    watch: watch::Watch,
    content: PathBuf,
    project: PathBuf,
}

impl Watching {
    fn start(opts: &ServeOptions) -> Result<Watching> {
        let content = canonical(&opts.build.content)?;
        let project = canonical(Path::new("."))?;
        let mut roots = vec![content.clone()];
        if opts.app_build != AppBuild::Never {
            roots.extend(["src", "style", "index.html", "public"].map(|p| project.join(p)));
        }
        Ok(Watching {
            watch: watch::Watch::new(&roots)?,
            content,
            project,
        })
    }
}

/// Rebuilds the site after each batch of edits, and the app shell after app edits.
fn watch_and_rebuild(
    opts: &ServeOptions,
    watching: Watching,
    site: &mut Site,
    server: &Server,
) -> Result<()> {
    let Watching {
        watch,
        content,
        project,
    } = watching;
    while let Some(batch) = watch.next_batch() {
        let (edited, code): (BTreeSet<_>, BTreeSet<_>) =
            batch.into_iter().partition(|p| p.starts_with(&content));
        let edited: Vec<String> = edited
            .iter()
            .filter_map(|p| watch::relative_to(p, &content))
            .filter(|p| !is_hidden(p))
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        if !edited.is_empty() {
            rebuild(site, server, &edited.join(", "));
        }
        let changes: BTreeSet<CodeChange> = code
            .iter()
            .filter_map(|p| watch::relative_to(p, &project))
            .map(code_change)
            .collect();
        code_edited(opts, server, &changes);
    }
    Ok(())
}

/// After edits of the project's code: rebuilds the app shell, or says a restart is needed.
fn code_edited(opts: &ServeOptions, server: &Server, changes: &BTreeSet<CodeChange>) {
    let restart = changes.contains(&CodeChange::Builder) || changes.contains(&CodeChange::Both);
    if restart {
        println!("serve: the builder's code changed: stop and start `fieldnotes serve` to use it");
    }
    if changes.contains(&CodeChange::App) || changes.contains(&CodeChange::Both) {
        println!("serve: app code changed, building the app shell");
        match build_app(&opts.app, opts.app_build) {
            Ok(took) => {
                println!(
                    "serve: app shell rebuilt in {:.1} s, reloading pages",
                    took.as_secs_f64()
                );
                let generation = {
                    let mut state = server.state.write().unwrap_or_else(|e| e.into_inner());
                    state.generation += 1;
                    state.generation
                };
                server.broadcast(&Event::Reload(generation));
            }
            Err(e) => println!("serve: {e:#}"),
        }
    }
}

/// Builds the site again and tells the pages: one line on the console either way.
fn rebuild(site: &mut Site, server: &Server, what: &str) {
    match site.rebuild() {
        Ok(done) => {
            let mut state = server.state.write().unwrap_or_else(|e| e.into_inner());
            let changed = !done.changed.is_empty() || !done.removed.is_empty();
            let was_broken = state.problem.take().is_some();
            state.files = site.files().clone();
            state.base = base_of(site.files());
            if changed || was_broken {
                state.generation += 1;
            }
            let generation = state.generation;
            drop(state);
            println!("{}", summary(what, &done));
            if changed || was_broken {
                server.broadcast(&Event::Reload(generation));
            }
        }
        Err(problem) => {
            println!("serve: {what}: the site does not build; still serving the last good one\n{problem}");
            server
                .state
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .problem = Some(problem.clone());
            server.broadcast(&Event::Problem(problem));
        }
    }
}

/// The console line of a rebuild.
fn summary(what: &str, done: &Rebuild) -> String {
    let mut line = format!(
        "serve: {what}: {} files changed, {} removed, {} posts ({} read again) in {} ms \
         (content {} ms, data {} ms, pages {} ms)",
        done.changed.len(),
        done.removed.len(),
        done.posts,
        done.parsed,
        done.took.as_millis(),
        done.stages[0].as_millis(),
        done.stages[1].as_millis(),
        done.stages[2].as_millis(),
    );
    if done.warnings > 0 {
        line.push_str(&format!(
            ", {} warnings (`fieldnotes check` lists them)",
            done.warnings
        ));
    }
    line
}

/// The site's base path, from its data manifest.
fn base_of(files: &site::Files) -> String {
    files
        .get(&format!(
            "{}/{}",
            crate::model::DATA_DIR,
            crate::model::MANIFEST_FILE
        ))
        .and_then(|bytes| serde_json::from_slice::<crate::model::Manifest>(bytes).ok())
        .map_or("/".into(), |m| m.site.base_path)
}

fn canonical(path: &Path) -> Result<PathBuf> {
    path.canonicalize()
        .with_context(|| format!("cannot find {}: pass an existing folder", path.display()))
}

/// A file the build skips (editors' swap and backup files, `.git`).
fn is_hidden(relative: &Path) -> bool {
    relative
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        || relative.to_string_lossy().ends_with('~')
}
