// Runs after fieldnotes-markdown.js (src/pieces.rs). That script declares its loader with a
// top-level `let`, which classic scripts share but which is not a property of `window`: this names
// it where the app can reach it.
if (typeof wasm_bindgen === 'function') self.fieldnotesMarkdown = wasm_bindgen;
