//! The app shell a preview serves: built by Trunk into its own folder, never `dist/`, with the
//! site builder's hooks turned off (`FIELDNOTES_PREVIEW=1`, read by `Trunk.toml`): the preview
//! builds the data itself, and the hooks would compile the optimised builder again after every
//! edit of `src/`.

use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// How the app shell is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppBuild {
    /// Not at all: the app folder is used as it is, and app edits are not watched.
    Never,
    /// `trunk build` (a debug WASM: larger, but quicker to build after an edit).
    Debug,
    /// `trunk build --release`, as deployed.
    Release,
}

/// Builds the app shell into `app` with Trunk, from the project in the current folder; returns
/// how long it took.
pub fn build_app(app: &Path, how: AppBuild) -> Result<Duration> {
    let start = Instant::now();
    let mut trunk = Command::new("trunk");
    trunk
        .args(["build", "--offline", "--quiet", "--dist"])
        .arg(app)
        .env("FIELDNOTES_PREVIEW", "1");
    if how == AppBuild::Release {
        trunk.arg("--release");
    }
    let status = trunk
        .status()
        .context("cannot run trunk to build the app shell: run scripts/setup, which installs it")?;
    if !status.success() {
        bail!(
            "trunk could not build the app shell into {} ({status}): fix the error above and save",
            app.display()
        );
    }
    // What Trunk's post-build hook does in a full build (the preview turns the hooks off).
    let profile = if how == AppBuild::Release {
        "release"
    } else {
        "debug"
    };
    crate::builder::split_app(&crate::builder::SplitOptions {
        dist: app,
        wasm: &crate::builder::split::app_wasm(profile),
        optimise: how == AppBuild::Release,
    })?;
    Ok(start.elapsed())
}

/// What an edit of a file of the project (relative to it) asks of a running preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CodeChange {
    /// The app's code or style: build the shell again.
    App,
    /// The builder or the server: only a restart uses it.
    Builder,
    /// Code both use: build the shell again, and restart for the builder's half.
    Both,
    Nothing,
}

/// Sorts an edited project file.
pub fn code_change(relative: &Path) -> CodeChange {
    let path = relative.to_string_lossy().replace('\\', "/");
    let app = [
        "src/app/",
        "src/bin/fieldnotes-app.rs",
        "style/",
        "index.html",
        "public/",
    ];
    let builder = [
        "src/builder/",
        "src/preview/",
        "src/comments/",
        "src/import/",
        "src/bin/fieldnotes.rs",
        "Cargo.toml",
    ];
    if path.starts_with("public/data/") || path.contains("/.") || path.starts_with('.') {
        CodeChange::Nothing
    } else if app.iter().any(|p| path.starts_with(p)) {
        CodeChange::App
    } else if builder.iter().any(|p| path.starts_with(p)) {
        CodeChange::Builder
    } else if path.starts_with("src/") && path.ends_with(".rs") {
        CodeChange::Both
    } else {
        CodeChange::Nothing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_are_sorted_by_what_uses_them() {
        let of = |p: &str| code_change(Path::new(p));
        assert_eq!(of("src/app/pages/post.rs"), CodeChange::App);
        assert_eq!(of("style/main.css"), CodeChange::App);
        assert_eq!(of("src/builder/feeds.rs"), CodeChange::Builder);
        assert_eq!(of("src/markdown.rs"), CodeChange::Both);
        assert_eq!(of("src/model/post.rs"), CodeChange::Both);
        assert_eq!(of("public/data/manifest.json"), CodeChange::Nothing);
        assert_eq!(of("src/app/.post.rs.swp"), CodeChange::Nothing);
    }
}
