//! The browser entry point that Trunk compiles to WebAssembly.

#[cfg(target_arch = "wasm32")]
fn main() {
    fieldnotes::app::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "fieldnotes-app runs in the browser: build it with `trunk build --release --offline`."
    );
    std::process::exit(2);
}
