//! The Markdown piece: the renderer of readers' comments (pulldown-cmark and our safety filter),
//! built by Trunk into `pieces/` as a WASM module of its own. The app loads it only when a reader
//! previews a comment or has comments of their own waiting, so no other reader downloads a
//! Markdown parser: posts, pages and published comments arrive already rendered by the builder.

#[cfg(target_arch = "wasm32")]
mod piece {
    use wasm_bindgen::prelude::*;

    /// A reader's comment as safe HTML: exactly [`fieldnotes::markdown::render_comment`].
    #[wasm_bindgen]
    pub fn render_comment(markdown: &str, base_path: &str) -> String {
        fieldnotes::markdown::render_comment(markdown, base_path)
            .html
            .into_string()
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("fieldnotes-markdown is a piece of the browser app: Trunk builds it with the site.");
    std::process::exit(2);
}
