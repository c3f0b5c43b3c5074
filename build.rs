//! Keeps the linker's relocations in the app's WASM (and only there): `fieldnotes split` reads
//! them to cut the app into its reading core and the chunks loaded on use (`src/app/split.rs`).
//! The pieces built as WASM modules of their own (`src/pieces.rs`) are left standard, so
//! `wasm-opt` can shrink them.
fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo::rustc-link-arg-bin=fieldnotes-app=--emit-relocs");
    }
}
