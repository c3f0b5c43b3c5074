// The search worker's start (src/app/search_client.rs starts it; src/bin/fieldnotes-search.rs is
// the engine). Each message is one search, answered in order of arrival; the engine drops a search
// once a newer one has arrived. Addresses are relative to this script, in pieces/. Every message
// gets an answer, a failure too, so the page never waits for one that will not come.
importScripts('fieldnotes-search.js');
const started = wasm_bindgen({ module_or_path: 'fieldnotes-search_bg.wasm' });
const failed = (id, why) => ({ id, outcome: { Failed: { kind: 'network', why, version: 0 } }, fetched: [] });
self.onmessage = async (event) => {
  const id = event.data?.id ?? 0;
  try {
    await started;
  } catch (error) {
    self.postMessage(failed(id, 'the search engine could not be loaded'));
    return;
  }
  try {
    self.postMessage(await wasm_bindgen.search(event.data));
  } catch (error) {
    self.postMessage(failed(id, `the search engine stopped: ${error}`));
  }
};
