// Fieldnotes service worker: keeps the blog readable offline. Written into the built site by
// `fieldnotes stubs`, which fills in the build id, the base path and the precache list below.
//
// Caches (all named `fieldnotes-*`, all same-origin only):
//   fieldnotes-shell-<build>  the app shell, its hashed assets, the web app manifest and the data
//                             manifest of one build; a new build installs its own, old ones go
//                             on activate
//   fieldnotes-posts          post files and index pages the reader opened (newest kept, limited)
//   fieldnotes-search         search index files a search used (limited)
//   fieldnotes-media          images of opened posts (limited)
//   fieldnotes-saved          posts the reader saved for offline; written by the app, never evicted
//   fieldnotes-outbox         comments the reader wrote, one JSON record each (written by the app,
//                             see app/outbox.rs); queued ones are sent from here by Background Sync
const BUILD = '__BUILD__';
const BASE = '__BASE__';
const PRECACHE = __PRECACHE__;
// Those of them whose names carry no hash: fetched past the HTTP cache, which could hold an older
// copy. The others may come from it, so a first visit does not download the app twice.
const UNHASHED = __UNHASHED__;
const SHELL = `fieldnotes-shell-${BUILD}`;
// The page served to any navigation the network cannot answer: the shell with no content, which
// the app fills in from cached data.
const FALLBACK = `${BASE}shell.html`;
const MANIFEST = `${BASE}data/manifest.json`;
// Most entries each runtime cache keeps; the oldest go first.
const LIMITS = { 'fieldnotes-posts': 300, 'fieldnotes-search': 400, 'fieldnotes-media': 120 };
// A response this worker made up because the network failed carries this header, so the app can
// tell "offline" from "not found".
const OFFLINE_HEADER = 'fieldnotes-offline';
// The last bytes of every binary file of the search index (one cut short lacks them).
const INDEX_END = __INDEX_END__;

// Search index files and the cards of search results skip this worker where the browser can
// route requests without it (the static routes of Chromium 123 and later): a stored copy answers
// from the caches, else the network, and this script never runs on the way, so a search never
// waits for a stopped worker to start (on a phone, tens of milliseconds). The app then names the
// files it fetched so (`fetched`, below), and they are stored for offline all the same.
// Elsewhere every request comes through here.
const ROUTED = typeof InstallEvent !== 'undefined' && 'addRoutes' in InstallEvent.prototype;
// A base path is taken literally, not as a pattern.
const ROUTES = ['data/search/*', 'data/lists/docs/*'].map((path) => `${BASE.replace(/[\\:*?+(){}]/g, '\\$&')}${path}`);

self.addEventListener('install', (event) => {
  if (ROUTED) {
    const rules = ROUTES.map((pathname) => ({ condition: { urlPattern: { pathname }, requestMethod: 'GET' }, source: 'cache' }));
    event.addRoutes(rules).catch(() => {});
  }
  event.waitUntil(
    caches.open(SHELL).then((cache) =>
      cache.addAll(PRECACHE.map((url) => new Request(url, { cache: UNHASHED.includes(url) ? 'reload' : 'default' }))),
    ),
  );
  // No skipWaiting here: a new build waits until the reader chooses to reload (see 'message').
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('fieldnotes-shell-') && name !== SHELL) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') {
    self.skipWaiting();
  } else if (event.data && Array.isArray(event.data.store)) {
    // The page fetched these before this worker controlled it (the first visit): store them now.
    event.waitUntil(Promise.all(event.data.store.map((url) => remember(new Request(url)))));
  } else if (ROUTED && event.data && Array.isArray(event.data.fetched)) {
    // Files the browser fetched past this worker (see ROUTES): stored now, from the HTTP cache
    // that has just received them. Where nothing is routed, they were stored on the way.
    event.waitUntil(Promise.all(event.data.fetched.map((url) => remember(new Request(url)))));
  }
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  // Other origins are the browser's business: never cached, never answered from here.
  if (url.origin !== self.location.origin || !url.pathname.startsWith(BASE)) return;
  if (request.mode === 'navigate') {
    event.respondWith(page(request));
  } else if (url.pathname === MANIFEST) {
    event.respondWith(manifest(request));
  } else {
    event.respondWith(cacheFirst(event, storeFor(url.pathname)));
  }
});

// Comments written while the comment server could not be reached: the app asked the browser to
// wake this worker when the connection returns. Each record is sent once its form token is old
// enough; its client key makes the server store it once even if the app sends it too.
const OUTBOX = 'fieldnotes-outbox';
self.addEventListener('sync', (event) => {
  if (event.tag === 'fieldnotes-comments') event.waitUntil(sendQueued());
});

async function sendQueued() {
  const cache = await caches.open(OUTBOX);
  let waiting = false;
  let changed = false;
  for (const key of await cache.keys()) {
    const stored = await cache.match(key);
    const comment = stored ? await stored.json().catch(() => null) : null;
    if (!comment || comment.state !== 'queued') continue;
    const answer = await sendComment(comment);
    if (!answer) {
      waiting = true;
      continue;
    }
    Object.assign(comment, answer.id ? { state: 'pending', id: answer.id } : { state: 'refused', error: answer.error });
    await cache.put(key, new Response(JSON.stringify(comment), { headers: { 'content-type': 'application/json' } }));
    changed = true;
  }
  if (changed) for (const client of await self.clients.matchAll()) client.postMessage({ outbox: true });
  // Failing the event makes the browser try again later.
  if (waiting) throw new Error('the comment server is not reachable yet');
}

/** Sends one comment: `{id}` when stored, `{error}` when refused, null when not reachable. The
 * same reading of the server's answers as the app's (model/outgoing.rs). */
async function sendComment(comment) {
  for (let retried = false; ; retried = true) {
    let token;
    let response;
    try {
      const issued = await fetch(`${comment.endpoint}/token`, { cache: 'no-store' });
      if (!issued.ok) return null;
      token = await issued.json();
      await new Promise((resolve) => setTimeout(resolve, token.wait_ms + 250));
      const { post, author, body, client_key } = comment;
      response = await fetch(comment.endpoint, {
        method: 'POST',
        cache: 'no-store',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          post, author, body, client_key,
          parent: comment.parent ?? null,
          email: comment.email ?? null,
          website: comment.website ?? null,
          token: token.token,
          hp: comment.hp ?? '',
        }),
      });
    } catch (error) {
      return null;
    }
    const answer = await response.json().catch(() => ({}));
    const status = response.status;
    if (status >= 200 && status < 300) return answer.id ? { id: answer.id } : null;
    if (status === 404 || status === 408 || status >= 500) return null;
    const error = answer.error || `the server answered ${status}.`;
    const again = (status === 400 && error.startsWith('Please wait')) || (status === 403 && error.includes('reload the page'));
    if (again && !retried) continue;
    const field = /^[a-z_]+: (.*)$/s.exec(error);
    return { error: field ? field[1].charAt(0).toUpperCase() + field[1].slice(1) : error };
  }
}

/** The runtime cache a file belongs in; none for the shell's assets (precached) and others. */
function storeFor(path) {
  if (path.startsWith(`${BASE}data/media/`)) return 'fieldnotes-media';
  if (path.startsWith(`${BASE}data/search/`)) return 'fieldnotes-search';
  if (path.startsWith(`${BASE}data/`)) return 'fieldnotes-posts';
  return null;
}

/** Stores one same-origin data file if no cache holds it yet. */
async function remember(request) {
  const url = new URL(request.url);
  const store = storeFor(url.pathname);
  if (url.origin !== self.location.origin || !store || (await caches.match(request))) return;
  try {
    const response = await fetch(request);
    if (response.ok && !isHtml(response)) await keep(store, request, response);
  } catch (error) {
    // Offline again: the reader's next visit stores it.
  }
}

/** A page: the network's when it answers, else the shell of this build. Pages are not stored: an
 * old page could name assets a later build removed. */
async function page(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const shell = await caches.match(FALLBACK, { cacheName: SHELL });
    return shell ? marked(shell) : offline();
  }
}

/** The data manifest names the current files, so it comes from the network when possible; its
 * last good copy answers offline, and when the host answers with an error or a damaged file (a
 * broken deploy must not take the reader's saved posts with it). A manifest of another format is
 * passed on (the app says to reload) but not stored over one this build's app reads. */
async function manifest(request) {
  let response;
  try {
    response = await fetch(request, { cache: 'no-cache' });
  } catch (error) {
    return lastManifest(offline());
  }
  if (response.ok && isHtml(response)) return lastManifest(notData());
  if (response.status >= 500) return lastManifest(response);
  if (!response.ok) return response;
  const fresh = formatOf(await readJson(response.clone()));
  if (fresh === undefined) return lastManifest(response);
  const cache = await caches.open(SHELL);
  const stored = await cache.match(MANIFEST);
  const known = stored ? formatOf(await readJson(stored)) : fresh;
  if (fresh === known) await cache.put(MANIFEST, response.clone());
  return response;
}

/** The stored manifest, marked as answered without the network; `otherwise` when none is stored. */
async function lastManifest(otherwise) {
  const cached = await caches.match(MANIFEST, { cacheName: SHELL });
  return cached ? marked(cached) : otherwise;
}

/** A response's body as JSON; undefined when it is not JSON (cut short, garbage). */
async function readJson(response) {
  try {
    return JSON.parse(await response.text());
  } catch (error) {
    return undefined;
  }
}

/** Whether a binary index file ends with the mark every one of them ends with. */
async function isWhole(response) {
  try {
    const bytes = new Uint8Array(await response.arrayBuffer());
    const end = bytes.subarray(bytes.length - INDEX_END.length);
    return bytes.length >= INDEX_END.length && INDEX_END.every((b, i) => end[i] === b);
  } catch (error) {
    return false;
  }
}

/** The format version of a parsed manifest; undefined when it is not one. */
function formatOf(json) {
  return json && typeof json === 'object' && Number.isInteger(json.format_version) ? json.format_version : undefined;
}

/** A hashed file never changes, so any stored copy is good: from any Fieldnotes cache first, else
 * the network, storing what it sends in `store` (when given). */
async function cacheFirst(event, store) {
  const request = event.request;
  // The URL as it is: hashed files carry no query, and matching while ignoring one makes the
  // browser read every entry of every cache (hundreds after a few searches) for each request.
  const cached = await caches.match(request);
  if (cached) return cached;
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    return offline();
  }
  // A host that answers a missing file with its HTML page must not hand HTML to the app as data
  // or code, nor have it stored.
  if (isHtml(response)) return notData();
  if (store && response.ok && response.type === 'basic') {
    // Storing finishes in the background; the reader gets the response now.
    event.waitUntil(keep(store, request, response.clone()).catch(() => {}));
  }
  return response;
}

/** Stores a data file, unless it is JSON that does not parse or a binary index file without its
 * end mark: a file the host sent cut short would otherwise be answered from here, first, for good. */
async function keep(store, request, response) {
  const path = new URL(request.url).pathname;
  if (path.endsWith('.json') && (await readJson(response.clone())) === undefined) return;
  if (path.endsWith('.bin') && !(await isWhole(response.clone()))) return;
  const cache = await caches.open(store);
  await cache.put(request, response);
  await trimSoon(store);
}

// Trims waiting to run, by cache.
const TRIMMING = new Map();
// How long a burst of stores has to end before its cache is trimmed.
const TRIM_AFTER = 1000;

/** Trims a runtime cache once a burst of stores is over: one search or page stores a dozen files,
 * and listing a cache of hundreds of entries after each of them slowed every fetch of the burst
 * (a keystroke's index files waited half a second behind them). */
function trimSoon(name) {
  if (!TRIMMING.has(name)) {
    const trimmed = new Promise((resolve) => setTimeout(resolve, TRIM_AFTER)).then(() => {
      TRIMMING.delete(name);
      return trim(name);
    });
    TRIMMING.set(name, trimmed);
  }
  return TRIMMING.get(name);
}

/** Drops the oldest entries of a runtime cache over its limit. */
async function trim(name) {
  const cache = await caches.open(name);
  const keys = await cache.keys();
  const excess = keys.length - LIMITS[name];
  for (let i = 0; i < excess; i++) await cache.delete(keys[i]);
}

function isHtml(response) {
  return (response.headers.get('content-type') || '').includes('text/html');
}

/** A stored response, marked as answered without the network. */
function marked(response) {
  const headers = new Headers(response.headers);
  headers.set(OFFLINE_HEADER, '1');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** The network failed and nothing is stored: an error, never a page. */
function offline() {
  return new Response('', {
    status: 503,
    statusText: 'Offline',
    headers: { 'content-type': 'text/plain', [OFFLINE_HEADER]: '1' },
  });
}

function notData() {
  return new Response('', { status: 404, statusText: 'Not Found', headers: { 'content-type': 'text/plain' } });
}
