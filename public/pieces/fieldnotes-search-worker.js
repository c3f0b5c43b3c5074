// The search worker's start (src/app/search_client.rs starts it; src/bin/fieldnotes-search.rs is
// the engine). Each message is one search, answered in order of arrival; the engine drops a search
// once a newer one has arrived. Addresses are relative to this script, in pieces/.
importScripts('fieldnotes-search.js');
const started = wasm_bindgen({ module_or_path: 'fieldnotes-search_bg.wasm' });
self.onmessage = async (event) => {
  try {
    await started;
  } catch (error) {
    self.postMessage({ id: event.data?.id ?? 0, outcome: { Failed: { kind: 'network', why: 'the search engine could not be loaded', version: 0 } }, fetched: [] });
    return;
  }
  self.postMessage(await wasm_bindgen.search(event.data));
};
