//! The app's pieces: parts of the reader that load on first use instead of with the reading core,
//! so a feature's weight falls on the readers who use it. Each is a WASM module of its own that
//! Trunk builds into [`PIECES_DIR`] (`index.html` names them); the app loads one when a reader
//! needs it, and the service worker stores them all for offline use after a first visit.
//!
//! | piece | what it holds | when it loads |
//! |---|---|---|
//! | [`MARKDOWN`] | the comment renderer (pulldown-cmark and the safety filter) | a reader opens the comment form's preview, or has comments of their own waiting |
//! | [`SEARCH`] | the search engine, in a Web Worker | a reader focuses the search box or opens /search |

/// Folder of the pieces in the built site.
pub const PIECES_DIR: &str = "pieces";

/// A piece's files, relative to the site's root: its script (wasm-bindgen's `no-modules` loader,
/// which declares its loader function as a top-level `let`), its WASM, and a one-line script of
/// ours (in `public/pieces/`) that puts that function on `window` as [`Piece::global`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    pub script: &'static str,
    pub wasm: &'static str,
    pub ready: &'static str,
    /// The name on `window` of the function that starts the module and holds its exports.
    pub global: &'static str,
}

/// The comment renderer.
pub const MARKDOWN: Piece = Piece {
    script: "pieces/fieldnotes-markdown.js",
    wasm: "pieces/fieldnotes-markdown_bg.wasm",
    ready: "pieces/fieldnotes-markdown-ready.js",
    global: "fieldnotesMarkdown",
};

/// The search engine, run in a Web Worker: `ready` is the worker's own script, which loads the
/// module inside the worker (there `global` is wasm-bindgen's loader, never on `window`).
pub const SEARCH: Piece = Piece {
    script: "pieces/fieldnotes-search.js",
    wasm: "pieces/fieldnotes-search_bg.wasm",
    ready: "pieces/fieldnotes-search-worker.js",
    global: "wasm_bindgen",
};

/// Every piece.
pub const ALL: &[Piece] = &[MARKDOWN, SEARCH];

impl Piece {
    /// Its files, relative to the site's root.
    pub fn files(&self) -> [&'static str; 3] {
        [self.script, self.wasm, self.ready]
    }
}
