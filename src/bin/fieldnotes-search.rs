//! The search worker: the search engine ([`fieldnotes::search::index`]) in a Web Worker of its
//! own, so typing never waits for it. Trunk builds it into `pieces/` as a WASM module; the app
//! starts it when a reader first focuses the search box or opens /search
//! (`src/app/search_client.rs`), through `public/pieces/fieldnotes-search-worker.js`, which hands
//! each message to its `search` function and posts back what it returns. The index files it fetches stay in
//! its memory for the visit.

#[cfg(target_arch = "wasm32")]
mod worker {
    use fieldnotes::model::{SearchEntry, FORMAT_VERSION};
    use fieldnotes::search::index::{load_with, File, Loaded, Need};
    use fieldnotes::search::query::parse;
    use fieldnotes::search::worker::{Outcome, Reply, Request, Timing};
    use futures::future::{FutureExt, LocalBoxFuture, Shared};
    use std::cell::{Cell, RefCell};
    use std::collections::HashMap;
    use std::sync::Arc;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::JsFuture;

    #[wasm_bindgen]
    extern "C" {
        /// The worker's own `fetch`.
        #[wasm_bindgen(js_name = fetch)]
        fn fetch_url(url: &str, init: &JsValue) -> js_sys::Promise;
    }

    thread_local! {
        /// The newest request's id: an older search stops at its next round.
        static LATEST: Cell<u32> = const { Cell::new(0) };
        /// Every index file fetched this visit, by address.
        static FILES: RefCell<HashMap<String, File>> = RefCell::new(HashMap::new());
        static ENTRIES: RefCell<HashMap<String, Arc<SearchEntry>>> = RefCell::new(HashMap::new());
        /// This request's timing so far.
        static TIMING: Cell<Timing> = Cell::new(Timing::default());
    }

    /// The worker's clock, in milliseconds.
    fn now() -> f64 {
        js_sys::Reflect::get(&js_sys::global(), &"performance".into())
            .ok()
            .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
            .map_or(0.0, |p| p.now())
    }

    /// Adds to this request's timing.
    fn count(add: impl FnOnce(&mut Timing)) {
        TIMING.with(|t| {
            let mut timing = t.get();
            add(&mut timing);
            t.set(timing);
        });
    }

    /// Why a file could not be had: `(kind, why)`, as [`Outcome::Failed`] names them.
    type Failure = (&'static str, String);

    /// One search (or warm-up), answered as a [`Reply`].
    #[wasm_bindgen]
    pub async fn search(request: JsValue) -> JsValue {
        // The id first, so even a request it cannot read is answered to the one who asked.
        let id = js_sys::Reflect::get(&request, &"id".into())
            .ok()
            .and_then(|id| id.as_f64())
            .unwrap_or(0.0) as u32;
        let reply = match serde_wasm_bindgen::from_value::<Request>(request) {
            Ok(request) => answer(request).await,
            Err(e) => Reply {
                id,
                outcome: Outcome::Failed {
                    kind: "format".into(),
                    why: format!("a request the search worker cannot read: {e}"),
                    version: 0,
                },
                fetched: Vec::new(),
                timing: Timing::default(),
            },
        };
        serde_wasm_bindgen::to_value(&reply).unwrap_or(JsValue::NULL)
    }

    async fn answer(request: Request) -> Reply {
        let id = request.id;
        // A warm-up supersedes no search.
        if !request.warm {
            LATEST.with(|latest| latest.set(latest.get().max(id)));
        }
        TIMING.with(|t| t.set(Timing::default()));
        let mut fetched = Vec::new();
        let outcome = match run(&request, &mut fetched).await {
            Ok(outcome) => outcome,
            Err(("superseded", _)) => Outcome::Superseded,
            Err((kind, why)) => Outcome::Failed {
                kind: kind.into(),
                version: why.parse().unwrap_or(0),
                why,
            },
        };
        // A warm-up's answer goes unread: its files are told with the next search's.
        UNTOLD.with(|untold| {
            let mut untold = untold.borrow_mut();
            untold.append(&mut fetched);
            if !request.warm {
                fetched = std::mem::take(&mut *untold);
            }
        });
        Reply {
            id,
            outcome,
            fetched,
            timing: TIMING.with(Cell::get),
        }
    }

    thread_local! {
        /// Files fetched by warm-ups, not yet told to the app.
        static UNTOLD: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    }

    async fn run(request: &Request, fetched: &mut Vec<String>) -> Result<Outcome, Failure> {
        let entry = entry(request, fetched).await?;
        let dir = entry.dir.clone();
        if request.warm {
            let root = Need::Shard(String::new());
            if let Some(path) = root.file(&entry, &Loaded::default()) {
                file(request, &root, &path, fetched).await?;
            }
            return Ok(Outcome::Warmed);
        }
        let clauses = parse(&request.words);
        let filters = request.filters();
        let mut loaded = Loaded {
            dir: dir.clone(),
            ..Loaded::default()
        };
        let wanted = request.wanted as usize;
        // What the rounds fetched, told to the app with the answer.
        let seen = std::rc::Rc::new(RefCell::new(Vec::new()));
        // Each file's name is in the file that leads to it: the entry, or one a past round
        // loaded. The engine keeps those in `loaded`, which the fetch cannot borrow while the
        // engine holds it, so the fetch keeps its own copy of what came in.
        let named = std::rc::Rc::new(RefCell::new(Loaded::default()));
        let found = load_with(&entry, &clauses, &filters, wanted, &mut loaded, |round| {
            let (seen, named, entry) = (seen.clone(), named.clone(), entry.clone());
            async move {
                if LATEST.with(Cell::get) != request.id {
                    return Err(("superseded", String::new()));
                }
                let start = now();
                let paths: Vec<Result<String, Failure>> = round
                    .iter()
                    .map(|need| {
                        need.file(&entry, &named.borrow())
                            .ok_or_else(|| ("format", format!("{need:?} is not named")))
                    })
                    .collect();
                let files = round.iter().zip(paths).map(|(need, path)| {
                    let seen = seen.clone();
                    async move {
                        let mut got = Vec::new();
                        let file = file(request, need, &path?, &mut got).await;
                        seen.borrow_mut().append(&mut got);
                        file
                    }
                });
                let got = futures::future::join_all(files).await;
                let took = now() - start;
                count(|t| {
                    t.rounds += 1;
                    t.fetch += took;
                });
                let mut out = Vec::with_capacity(round.len());
                for (need, got) in round.iter().zip(got) {
                    let got = got?;
                    named.borrow_mut().insert(need.clone(), got.clone());
                    out.push((need.clone(), got));
                }
                Ok(out)
            }
        })
        .await?;
        fetched.append(&mut seen.borrow_mut());
        // Only the hits the page draws travel back: a common word matches thousands of posts,
        // and copying them all between the threads cost more than the search. The count stays;
        // more results are another request (the files are in memory by then).
        let mut found = found;
        if found.hits.len() > wanted {
            found.hits.truncate(wanted);
            found.whole = false;
        }
        Ok(Outcome::Found(found))
    }

    /// The index's entry, refused when another build's format wrote it.
    async fn entry(
        request: &Request,
        fetched: &mut Vec<String>,
    ) -> Result<Arc<SearchEntry>, Failure> {
        let url = format!("{}{}", request.data, request.entry);
        if let Some(entry) = ENTRIES.with(|e| e.borrow().get(&url).cloned()) {
            return Ok(entry);
        }
        let value = fetch_value(&url).await?;
        fetched.push(url.clone());
        let entry: SearchEntry =
            serde_wasm_bindgen::from_value(value).map_err(|e| ("format", format!("{url}: {e}")))?;
        if entry.format_version != FORMAT_VERSION {
            return Err(("version", entry.format_version.to_string()));
        }
        let entry = Arc::new(entry);
        ENTRIES.with(|e| e.borrow_mut().insert(url, entry.clone()));
        Ok(entry)
    }

    /// One index file, from memory or fetched; a filter's file that is not there holds no post.
    async fn file(
        request: &Request,
        need: &Need,
        path: &str,
        fetched: &mut Vec<String>,
    ) -> Result<File, Failure> {
        let url = format!("{}{}", request.data, path);
        if let Some(file) = FILES.with(|f| f.borrow().get(&url).cloned()) {
            return Ok(file);
        }
        let body = match fetch_body(&url, File::is_binary(need)).await {
            Err(("replaced", _)) if matches!(need, Need::Filter(..)) => {
                Body::Json(JsValue::from(js_sys::Array::new()))
            }
            other => other?,
        };
        let start = now();
        let file = match body {
            Body::Json(value) => read(need, value).map_err(|e| e.to_string()),
            Body::Bytes(bytes) => File::from_bytes(need, &bytes),
        }
        .map_err(|e| ("format", format!("{url}: {e}")));
        let took = now() - start;
        count(|t| t.parse += took);
        if file.is_err() {
            DAMAGED.with(|d| d.borrow_mut().insert(url.clone()));
        }
        let file = file?;
        fetched.push(url.clone());
        FILES.with(|f| f.borrow_mut().insert(url, file.clone()));
        Ok(file)
    }

    /// A JSON file parsed by the browser as the kind `need` names (a key list or a filter).
    fn read(need: &Need, value: JsValue) -> Result<File, serde_wasm_bindgen::Error> {
        use serde::de::Error;
        use serde_wasm_bindgen::from_value;
        Ok(match need {
            Need::List(_) => File::List(Arc::new(from_value(value)?)),
            Need::Filter(..) => File::Filter(Arc::new(from_value(value)?)),
            _ => {
                return Err(serde_wasm_bindgen::Error::custom(
                    "a binary file read as JSON",
                ))
            }
        })
    }

    /// A file as fetched: JSON parsed by the browser, or the bytes of a binary one (shards,
    /// chunks and tails, read by [`File::from_bytes`]).
    #[derive(Clone)]
    enum Body {
        Json(JsValue),
        Bytes(std::rc::Rc<Vec<u8>>),
    }

    /// A fetch under way, shared by every search that wants its file.
    type Fetching = Shared<LocalBoxFuture<'static, Result<Body, Failure>>>;

    thread_local! {
        static FETCHING: RefCell<HashMap<String, Fetching>> = RefCell::new(HashMap::new());
    }

    /// A JSON file (the entry), fetched once however many searches want it at the same time.
    async fn fetch_value(url: &str) -> Result<JsValue, Failure> {
        match fetch_body(url, false).await? {
            Body::Json(value) => Ok(value),
            Body::Bytes(_) => Err(("format", format!("{url}: not JSON"))),
        }
    }

    /// A file, fetched once however many searches want it at the same time (a warm-up and the
    /// first keystroke ask for the same entry and root shard).
    async fn fetch_body(url: &str, binary: bool) -> Result<Body, Failure> {
        let fetching = FETCHING.with(|f| {
            f.borrow_mut()
                .entry(url.to_string())
                .or_insert_with(|| fetch_file(url.to_string(), binary).boxed_local().shared())
                .clone()
        });
        let body = fetching.await;
        // Done: the caller keeps what it parsed, and a failure is tried again next time.
        FETCHING.with(|f| f.borrow_mut().remove(url));
        body
    }

    /// A file: JSON parsed by the browser, or the bytes of a binary one. Index files are named
    /// by their build: one that is gone (404) was replaced by a newer build.
    async fn fetch_file(url: String, binary: bool) -> Result<Body, Failure> {
        let url = url.as_str();
        // A file that arrived damaged is asked for again past the HTTP cache, which may hold the
        // damaged copy for a year (hashed files are cached for good), as the app does.
        let init = js_sys::Object::new();
        if DAMAGED.with(|d| d.borrow().contains(url)) {
            let _ = js_sys::Reflect::set(&init, &"cache".into(), &"reload".into());
        }
        let answer = read_response(url, &init, binary).await;
        DAMAGED.with(|d| {
            let mut damaged = d.borrow_mut();
            match &answer {
                Err(("format", _)) => drop(damaged.insert(url.to_string())),
                _ => drop(damaged.remove(url)),
            }
        });
        answer
    }

    thread_local! {
        /// Files that arrived damaged (cut short, not what their name says, or a web page).
        static DAMAGED: RefCell<std::collections::HashSet<String>> = RefCell::new(Default::default());
    }

    async fn read_response(
        url: &str,
        init: &js_sys::Object,
        binary: bool,
    ) -> Result<Body, Failure> {
        let response = JsFuture::from(fetch_url(url, init))
            .await
            .map_err(|_| ("network", format!("{url} could not be fetched")))?;
        let response: web_sys::Response = response.unchecked_into();
        if response.status() == 404 {
            return Err(("replaced", url.to_string()));
        }
        if !response.ok() {
            return Err(("network", format!("{} {url}", response.status())));
        }
        if fieldnotes::app::sent_a_web_page(&response) {
            return Err(("format", format!("{url}: the host sent a web page instead")));
        }
        let unread = || ("network", format!("{url} could not be read"));
        if binary {
            let buffer = response.array_buffer().map_err(|_| unread())?;
            let buffer = JsFuture::from(buffer).await.map_err(|_| unread())?;
            let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
            return Ok(Body::Bytes(std::rc::Rc::new(bytes)));
        }
        let text = response.text().map_err(|_| unread())?;
        let text = JsFuture::from(text).await.map_err(|_| unread())?;
        let start = now();
        let value = js_sys::JSON::parse(&text.as_string().unwrap_or_default())
            .map_err(|_| ("format", format!("{url}: not JSON")));
        let took = now() - start;
        count(|t| t.parse += took);
        value.map(Body::Json)
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "fieldnotes-search is the browser app's search worker: Trunk builds it with the site."
    );
    std::process::exit(2);
}
