// Search benchmark (not a test: numbers are printed, never asserted). Run by
// bench/scripts/bench-search, which generates the corpora, installs the peers and builds the
// fieldnotes CLI first.
//
//   node bench/perf/search-bench.mjs [1k] [10k] [100k] [N] [--runs N] [--build-runs N]
//                                    [--session-minutes M] [--fieldnotes PATH] [--peers DIR] [--keep]
//
// Compares Fieldnotes' search with two peers on the same generated posts (bench-corpus/<size>/):
//   - Pagefind, indexing the HTML page `fieldnotes stubs` writes for every post (the full article);
//   - MiniSearch, indexing the same posts' title, tags and text (Markdown crudely stripped), built
//     in node and loaded in the page with MiniSearch.loadJSON.
// For each size it builds one site in bench-corpus/search-<size>/site (a copy of the release build
// in dist/ plus the three indexes), serves it on 127.0.0.1 with cross-origin isolation (so
// performance.now() has fine resolution), and measures:
//   1. index build time (wall) and index size on disk, for each tool;
//   2. per-keystroke latency: ~20 words from the corpus' vocabulary typed one character at a time,
//      in a fresh browser context per tool and run. Fieldnotes: the real search box on /search and
//      the app's `fieldnotes:search` User Timing measure; peers: the search call, timed in the page;
//   3. the brotli-compressed bytes a cold one-word search downloads: index, snippets for the first
//      5 results, and the library code, separately.
// Prints a Markdown report and writes it to bench-corpus/search-report.md (after every size, so a
// failure at 100k keeps the smaller sizes).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { clockFacts, servedFile, serveIsolated } from './isolated-server.mjs';
import { root, dist, launchBrowser, appReady } from '../../tests/e2e/harness.mjs';

const SIZES = { '1k': 1000, '10k': 10000, '100k': 100000 };

/** The posts of a size: 1k, 10k, 100k, or any count like `40` or `2k` (a smoke run's tiny corpus). */
function postsIn(size) {
  const m = /^([1-9]\d*)(k?)$/.exec(size);
  return m ? Number(m[1]) * (m[2] ? 1000 : 1) : null;
}
const bench = path.join(root, 'bench-corpus');
const REPORT = path.join(bench, 'search-report.md');

const GOALS = {
  p95: { '1k': 1, '10k': 4, '100k': 16 }, // ms, Fieldnotes per keystroke
  coldBytes: { '10k': 20 * 1024, '100k': 40 * 1024 }, // brotli, Fieldnotes cold one-word search
};

const KEY_GAP_MS = 30; // pause between keystrokes, for every tool (a fast typist's rhythm is ~100 ms)
const SNIPPETS = 5; // results whose snippet a cold search shows
const LOAD_TIMEOUT = 300_000; // ms, one page load, index load or build step (100k is slow)
const KEY_TIMEOUT = 60_000; // ms, one keystroke's results on screen
const BUILD_TIMEOUT = 45 * 60_000; // ms, one indexing run

// Pagefind's CLI and JS options: its defaults, with the files named explicitly.
const PAGEFIND_GLOB = 'posts/**/index.html';
const PAGEFIND_OPTIONS = { basePath: '/pagefind/' };

// The MiniSearch configuration, used in node to build and in the page to load the index.
const MINISEARCH_OPTIONS = {
  fields: ['title', 'tags', 'body'],
  storeFields: ['title'],
  searchOptions: { prefix: true, fuzzy: 0.2, boost: { title: 3, tags: 2 } },
};

// ---------------------------------------------------------------------------------------------
// Arguments.

const USAGE = `usage: node bench/perf/search-bench.mjs [1k] [10k] [100k] [N] [options]   (default: 1k 10k 100k;
                     N: any post count, e.g. 40 for a smoke run)
  --runs N           typing sessions per tool and size, each in a fresh browser context (default 3)
  --build-runs N     timed index builds per tool, keeping the fastest (default 1)
  --session-minutes M  time budget of one typing session; words left when it is spent are not
                     typed, and the report says so (default 10)
  --fieldnotes PATH  the fieldnotes CLI (default target/builder/fieldnotes)
  --peers DIR        where pagefind and minisearch are installed (default bench-corpus/peers)
  --keep             keep bench-corpus/search-<size>/ (the built sites) afterwards`;

function parseArgs(argv) {
  const options = {
    sizes: [],
    runs: 3,
    buildRuns: 1,
    sessionMinutes: 10,
    fieldnotes: path.join(root, 'target/builder/fieldnotes'),
    peers: path.join(bench, 'peers'),
    keep: false,
  };
  const value = (arg, i) => (arg.includes('=') ? [arg.slice(arg.indexOf('=') + 1), i] : [argv[i + 1], i + 1]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const name = arg.split('=')[0];
    let v;
    if (postsIn(arg)) {
      if (!options.sizes.includes(arg)) options.sizes.push(arg);
    } else if (name === '--runs' || name === '--build-runs' || name === '--session-minutes') {
      [v, i] = value(arg, i);
      options[{ '--runs': 'runs', '--build-runs': 'buildRuns', '--session-minutes': 'sessionMinutes' }[name]] = Number(v);
    } else if (name === '--fieldnotes' || name === '--peers') {
      [v, i] = value(arg, i);
      options[name.slice(2)] = path.resolve(v ?? '');
    } else if (arg === '--keep') {
      options.keep = true;
    } else if (arg === '-h' || arg === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else {
      console.error(`search-bench: unknown argument ${arg}\n${USAGE}`);
      process.exit(2);
    }
  }
  for (const key of ['runs', 'buildRuns']) {
    if (!Number.isInteger(options[key]) || options[key] < 1) {
      console.error(`search-bench: --${key === 'runs' ? 'runs' : 'build-runs'} takes a whole number of at least 1`);
      process.exit(2);
    }
  }
  if (!(options.sessionMinutes > 0)) {
    console.error('search-bench: --session-minutes takes a positive number');
    process.exit(2);
  }
  if (!options.sizes.length) options.sizes = Object.keys(SIZES);
  // Smallest first, whatever the order given.
  options.sizes.sort((a, b) => postsIn(a) - postsIn(b));
  return options;
}

// ---------------------------------------------------------------------------------------------
// Small helpers.

function log(message) {
  console.error(`search-bench: ${message}`);
}

/** Runs a program to completion (bounded in time); throws with its output when it fails. */
function run(command, args, { timeout = BUILD_TIMEOUT, cwd = root } = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd, timeout, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : `exit status ${result.status ?? result.signal}`;
    throw new Error(`${path.basename(command)} ${args.join(' ')} failed (${why}):\n${output.slice(-4000)}`);
  }
  return { seconds, output };
}

/** Rejects when `promise` has not settled within `ms` (page.evaluate has no timeout of its own). */
function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Every file under `dir` (recursively), with its size. */
function filesUnder(dir) {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    out.push({ file, rel: path.relative(dir, file), bytes: fs.statSync(file).size });
  }
  return out;
}

function sizeOf(files) {
  return { files: files.length, bytes: files.reduce((s, f) => s + f.bytes, 0) };
}

/** Nearest-rank percentile of the numbers in `values` (nulls left out). */
function percentile(values, p) {
  const sorted = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function median(values) {
  return percentile(values, 50);
}

// ---------------------------------------------------------------------------------------------
// MiniSearch's index, built in a child node process (its own heap, and a wall time of its own).

/**
 * Post text as MiniSearch indexes it: the Markdown with its markup crudely removed (link and image
 * targets dropped, their text kept; HTML tags and markup punctuation turned into spaces; code kept).
 */
function plainText(markdown) {
  return markdown
    .replace(/^\s*(```|~~~).*$/gm, ' ')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, ' ')
    .replace(/[#*_`>|~[\]\\-]+/g, ' ');
}

/** Lowercase words of letters only, for choosing the query words. */
function wordsOf(text) {
  return text.toLowerCase().split(/[^\p{L}]+/u).filter(Boolean);
}

/**
 * The posts of a generated corpus, read from its Markdown (not from the site's data files, whose
 * format is the product's to change): title, tags and body of each, in file order. The generator
 * writes a simple front matter: `title: "…"`, `tags: [a, b]`, one per line.
 */
function corpusPosts(corpus) {
  const dir = path.join(corpus, 'posts');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.md')).sort().map((f) => {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    const [, front = '', body = text] = text.match(/^---\n([\s\S]*?)\n---\n([\s\S]*)$/) ?? [];
    const field = (name) => front.match(new RegExp(`^${name}:\\s*(.*)$`, 'm'))?.[1].trim() ?? '';
    const title = field('title').replace(/^"(.*)"$/, '$1').replace(/\\"/g, '"');
    const tags = field('tags').replace(/^\[|\]$/g, '').split(',').map((t) => t.trim().replace(/^"(.*)"$/, '$1')).filter(Boolean);
    return { title, tags, body };
  });
}

/**
 * `--minisearch-build CORPUS OUT MODULE`: indexes the posts of the generated CORPUS (its Markdown)
 * and writes OUT/index.json with JSON.stringify. Prints one
 * line of JSON: the time spent reading and stripping, indexing, and serializing and writing, and
 * (counted after the clock stops) each word's document frequency, written to OUT/../vocabulary.json.
 */
async function minisearchBuild(corpus, out, modulePath) {
  const t0 = performance.now();
  const { default: MiniSearch } = await import(pathToFileURL(modulePath).href);
  const posts = corpusPosts(corpus);
  const index = new MiniSearch(MINISEARCH_OPTIONS);
  const vocabulary = new Map();
  let reading = performance.now() - t0;
  let indexing = 0;
  for (const [id, post] of posts.entries()) {
    const r0 = performance.now();
    const doc = { id, title: post.title, tags: post.tags.join(' '), body: plainText(post.body) };
    const r1 = performance.now();
    index.add(doc);
    const r2 = performance.now();
    reading += r1 - r0;
    indexing += r2 - r1;
    // Not timed: document frequencies, to choose the query words.
    for (const word of new Set(wordsOf(`${doc.title} ${doc.body}`))) vocabulary.set(word, (vocabulary.get(word) ?? 0) + 1);
  }
  const w0 = performance.now();
  const json = JSON.stringify(index);
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'index.json'), json);
  const writing = performance.now() - w0;
  fs.writeFileSync(path.join(out, '..', 'vocabulary.json'), JSON.stringify({ docs: posts.length, words: [...vocabulary] }));
  console.log(JSON.stringify({ reading, indexing, writing, posts: posts.length }));
}

// ---------------------------------------------------------------------------------------------
// The query words: chosen from the corpus' vocabulary, the same for every tool.

/**
 * ~20 words of 4 to 10 letters at fixed ranks of the document-frequency order (common, middling,
 * rare: at least 2 posts), plus 2 middling words with their middle letter changed (a typo) and 2
 * of 5 letters or more with their second letter changed (a typo in the first letters, which a
 * prefix-sharded index cannot find by its first letters), a warm-up word and 3 words for the cold
 * searches. Deterministic for a given corpus.
 */
function chooseWords(vocabularyFile) {
  const { docs, words } = JSON.parse(fs.readFileSync(vocabularyFile, 'utf8'));
  const known = new Map(words);
  const ranked = words
    .filter(([w, df]) => /^[a-z]{4,10}$/.test(w) && df >= 2)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (ranked.length < 40) throw new Error(`the corpus has only ${ranked.length} candidate words`);
  const taken = new Set();
  const at = (fraction) => {
    let i = Math.round(fraction * (ranked.length - 1));
    while (taken.has(ranked[i][0])) i = (i + 1) % ranked.length;
    taken.add(ranked[i][0]);
    return { word: ranked[i][0], posts: ranked[i][1] };
  };
  const warmup = at(0.03);
  const common = [0, 0.001, 0.003, 0.006, 0.01, 0.02].map(at);
  const middling = [0.05, 0.1, 0.15, 0.2, 0.3, 0.4].map(at);
  const rare = [0.5, 0.6, 0.7, 0.8, 0.9, 1].map(at);
  // A typo: the middle letter replaced by the next one in the alphabet, unless that makes a word
  // of the corpus (then the next letter along).
  const typo = (fraction, early = false) => {
    let { word, posts } = at(fraction);
    for (let k = 1; early && word.length < 5; k++) ({ word, posts } = at(Math.min(1, fraction + 0.005 * k)));
    for (let shift = 1; shift < 26; shift++) {
      const i = early ? 1 : Math.floor(word.length / 2);
      const letter = String.fromCharCode(97 + ((word.charCodeAt(i) - 97 + shift) % 26));
      const wrong = word.slice(0, i) + letter + word.slice(i + 1);
      if (!known.has(wrong)) return { word: wrong, posts: 0, typoOf: word, typoOfPosts: posts };
    }
    throw new Error(`no typo of ${word} outside the vocabulary`);
  };
  const typos = [typo(0.075), typo(0.25)];
  const early = [typo(0.12, true), typo(0.35, true)];
  // Interleaved (common, middling, rare, ..., a typo after each third), so a session cut short by
  // its time budget still has words of every kind.
  const list = [];
  for (let i = 0; i < common.length; i++) {
    list.push(common[i], middling[i], rare[i]);
    if (i % 3 === 2) list.push(typos[(i - 2) / 3], early[(i - 2) / 3]);
  }
  // Cold searches: a common, a middling and a rare word.
  return { docs, warmup, list, cold: [common[3], middling[1], rare[1]] };
}

// ---------------------------------------------------------------------------------------------
// The site: dist/ + fieldnotes data + stubs + Pagefind bundle + MiniSearch index + bench pages.

/** The Pagefind binary the npm package would run (its own resolver, so no platform guessing). */
async function pagefindBinary(peers) {
  // It resolves @pagefind/<platform>-<arch> relative to its own file, inside the peers' node_modules.
  const { resolveBinaryPath } = await import(pathToFileURL(path.join(peers, 'node_modules/pagefind/lib/resolveBinary.js')).href);
  return resolveBinaryPath(['pagefind_extended', 'pagefind']);
}

/** Times `runs` runs of `once` (which returns seconds), keeping the fastest; prints each. */
function fastest(name, runs, once) {
  let best = Infinity;
  for (let i = 1; i <= runs; i++) {
    const s = once();
    log(`  ${name} run ${i}: ${s.toFixed(2)} s`);
    best = Math.min(best, s);
  }
  return best;
}

// The peers' pages are the benchmark's, not the site's: they live under /bench/ (BENCH_PATH), which
// the server answers without the site's `_headers` rules, so the site's Content-Security-Policy
// (no inline code) never decides whether a peer can be measured. Each page still loads its script
// from a file beside it. The peers' own files (/pagefind/, /minisearch/) are served with the
// site's headers, as they would be deployed on it.
const BENCH_PATH = '/bench/';

/** A peer's page: its name and the script beside it that drives it. */
const peerPage = (name, script) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${name} benchmark</title></head>
<body><p>${name}, driven by bench/perf/search-bench.mjs.</p>
<script type="module" src="${BENCH_PATH}${script}"></script></body></html>
`;

const PAGEFIND_PAGE = peerPage('Pagefind', 'pagefind-page.js');

const PAGEFIND_SCRIPT = `let pf;
window.bench = {
  // Loads the library and its entry files; resolves to the time it took (ms).
  async init(options) {
    const t0 = performance.now();
    pf = await import('/pagefind/pagefind.js');
    await pf.options(options);
    await pf.init();
    return performance.now() - t0;
  },
  async search(q) {
    const t0 = performance.now();
    const found = await pf.search(q);
    return { ms: performance.now() - t0, hits: found?.results?.length ?? 0 };
  },
  // The first n results' data (title, excerpt: the snippet a results list shows).
  async snippets(q, n) {
    const found = await pf.search(q);
    const data = await Promise.all(found.results.slice(0, n).map((r) => r.data()));
    return data.map((d) => d.url);
  },
};
window.benchReady = true;
`;

const MINISEARCH_PAGE = peerPage('MiniSearch', 'minisearch-page.js');

const MINISEARCH_SCRIPT = `let index;
window.bench = {
  // Loads the library and the whole index; resolves to the time it took (ms).
  async init(options) {
    const t0 = performance.now();
    const { default: MiniSearch } = await import('/bench/minisearch.js');
    const json = await (await fetch('/minisearch/index.json')).text();
    index = MiniSearch.loadJSON(json, options);
    return performance.now() - t0;
  },
  async search(q) {
    const t0 = performance.now();
    const found = index.search(q);
    return { ms: performance.now() - t0, hits: found.length };
  },
  // Stored fields only (id, title): there is no snippet to fetch.
  async snippets(q, n) {
    return index.search(q).slice(0, n).map((r) => r.title);
  },
};
window.benchReady = true;
`;

/** Builds bench-corpus/search-<size>/site with all three indexes; returns build times and sizes. */
async function buildSite(size, options) {
  const n = postsIn(size);
  const corpus = path.join(bench, size);
  const work = path.join(bench, `search-${size}`);
  const site = path.join(work, 'site');
  const builds = {};
  if (!fs.existsSync(path.join(corpus, '.corpus-stamp'))) {
    throw new Error(`bench-corpus/${size} is missing (bench/scripts/bench-search generates it)`);
  }
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  fs.cpSync(dist, site, { recursive: true });
  // dist/'s own data and route pages are the sample site's; the corpus replaces them.
  for (const sub of ['data', 'posts', 'tags', 'page', 'archive']) fs.rmSync(path.join(site, sub), { recursive: true, force: true });

  // Fieldnotes: the whole build (post files, post list, search index, ...), not only search.
  log(`${size}: fieldnotes build --content bench-corpus/${size} (${n} posts)`);
  const data = path.join(site, 'data');
  let built = '';
  const fnSeconds = fastest('fieldnotes build', options.buildRuns, () => {
    fs.rmSync(data, { recursive: true, force: true });
    const { seconds, output } = run(options.fieldnotes, ['build', '--content', corpus, '--out', data]);
    built = output.match(/built (\d+) posts/)?.[1] ?? '?';
    return seconds;
  });
  if (Number(built) !== n) throw new Error(`fieldnotes built ${built} posts, expected ${n}`);
  const search = filesUnder(path.join(data, 'search'));
  builds.fieldnotes = { seconds: fnSeconds, index: sizeOf(search), data: sizeOf(filesUnder(data)) };

  log(`${size}: fieldnotes stubs (the HTML pages Pagefind indexes; not timed)`);
  run(options.fieldnotes, ['stubs', '--dist', site]);

  // Pagefind: the post pages, as a crawler-free static host would have them.
  let pages = '?';
  try {
    if (options.missing.includes('pagefind')) throw new Error(`not installed in ${options.peers}`);
    const pagefind = await pagefindBinary(options.peers);
    log(`${size}: pagefind --site ${path.relative(root, site)} --glob "${PAGEFIND_GLOB}"`);
    const pfSeconds = fastest('pagefind', options.buildRuns, () => {
      fs.rmSync(path.join(site, 'pagefind'), { recursive: true, force: true });
      const { seconds, output } = run(pagefind, ['--site', site, '--glob', PAGEFIND_GLOB, '--output-subdir', 'pagefind']);
      pages = output.match(/Indexed (\d+) pages/)?.[1] ?? '?';
      return seconds;
    });
    if (Number(pages) !== n) throw new Error(`Pagefind indexed ${pages} pages, expected ${n}`);
    const all = filesUnder(path.join(site, 'pagefind'));
    const isIndex = (f) => /\.pf_(meta|index|filter|fragment)$/.test(f.rel) || f.rel === 'pagefind-entry.json';
    builds.pagefind = {
      seconds: pfSeconds,
      index: sizeOf(all.filter(isIndex)),
      fragments: sizeOf(all.filter((f) => f.rel.endsWith('.pf_fragment'))),
      library: sizeOf(all.filter((f) => !isIndex(f))),
    };
  } catch (error) {
    builds.pagefind = { failed: error.message };
    log(`${size}: Pagefind failed: ${error.message}`);
  }

  // MiniSearch: a child node process with a large heap.
  const module = path.join(options.peers, 'node_modules/minisearch/dist/es/index.js');
  const msOut = path.join(site, 'minisearch');
  try {
    if (options.missing.includes('minisearch')) throw new Error(`not installed in ${options.peers}`);
    log(`${size}: MiniSearch index in node (${path.relative(root, module)})`);
    let phases;
    fastest('minisearch', options.buildRuns, () => {
      fs.rmSync(msOut, { recursive: true, force: true });
      const { output } = run(process.execPath, [
        '--max-old-space-size=16384', fileURLToPath(import.meta.url),
        '--minisearch-build', corpus, msOut, module,
      ]);
      const line = output.trim().split('\n').findLast((l) => l.startsWith('{'));
      const p = JSON.parse(line);
      const seconds = (p.reading + p.indexing + p.writing) / 1000;
      if (!phases || seconds < phases.seconds) phases = { ...p, seconds };
      return seconds;
    });
    builds.minisearch = { ...phases, index: sizeOf(filesUnder(msOut)) };
  } catch (error) {
    builds.minisearch = { failed: error.message };
    log(`${size}: MiniSearch failed: ${error.message.split('\n')[0]}`);
  }

  // The peers' pages, and MiniSearch's library next to them.
  const benchDir = path.join(site, BENCH_PATH);
  fs.mkdirSync(benchDir, { recursive: true });
  fs.writeFileSync(path.join(benchDir, 'pagefind.html'), PAGEFIND_PAGE);
  fs.writeFileSync(path.join(benchDir, 'pagefind-page.js'), PAGEFIND_SCRIPT);
  fs.writeFileSync(path.join(benchDir, 'minisearch.html'), MINISEARCH_PAGE);
  fs.writeFileSync(path.join(benchDir, 'minisearch-page.js'), MINISEARCH_SCRIPT);
  if (!options.missing.includes('minisearch')) fs.copyFileSync(module, path.join(benchDir, 'minisearch.js'));

  // The words come from MiniSearch's pass over the text; without it, from a pass of our own.
  const vocabulary = path.join(site, 'vocabulary.json');
  if (!fs.existsSync(vocabulary)) {
    const df = new Map();
    for (const post of corpusPosts(corpus)) {
      for (const w of new Set(wordsOf(`${post.title} ${plainText(post.body)}`))) df.set(w, (df.get(w) ?? 0) + 1);
    }
    fs.writeFileSync(vocabulary, JSON.stringify({ docs: n, words: [...df] }));
  }
  const words = chooseWords(vocabulary);
  return { dir: site, work, builds, words, listed: listedByFieldnotes(data, words) };
}

/**
 * How many posts Fieldnotes lists for each word once every page of results is shown, computed
 * natively by the app's own search code over the built index (bench/benches/search_cost.rs),
 * beside what its status line says after the word is typed.
 */
function listedByFieldnotes(data, words) {
  const all = [words.warmup, ...words.list].map((w) => w.word);
  log(`search_cost: every result of ${all.length} words`);
  const { output } = run('cargo', ['test', '-q', '-p', 'fieldnotes-bench', '--bench', 'search_cost', '--', '--data', data, ...all]);
  const listed = {};
  for (const line of output.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length > 3 && all.includes(cells[1])) listed[cells[1]] = Number(cells[2]);
  }
  return listed;
}

// ---------------------------------------------------------------------------------------------
// Serving: the static server of the tests, behind a proxy that adds cross-origin isolation and
// keeps a log of what was requested (the browser's own cache hits never reach it).

async function serveLogged(dir) {
  let requests = [];
  let inflight = 0;
  let last = Date.now();
  const server = await serveIsolated(dir, (req, res) => {
    requests.push(new URL(req.url, 'http://127.0.0.1').pathname);
    inflight++;
    last = Date.now();
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      inflight--;
      last = Date.now();
    };
    res.on('finish', finish);
    res.on('close', finish);
  }, { bare: [BENCH_PATH] });
  return {
    url: server.url,
    /** The paths requested since the last call (and forgets them). */
    take() {
      const out = requests;
      requests = [];
      return out;
    },
    /** Resolves once nothing has been requested or in flight for `ms`. */
    async quiet(ms = 400, timeout = LOAD_TIMEOUT) {
      const until = Date.now() + timeout;
      while (inflight > 0 || Date.now() - last < ms) {
        if (Date.now() > until) throw new Error('the page kept requesting files');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: server.close,
  };
}

const brotliCache = new Map();

/**
 * Bytes on the wire for one file: brotli quality 11 (as measure.mjs), or the file as it is when
 * that is smaller (Pagefind's index files are gzip-compressed by Pagefind already). Files over
 * 64 MB are compressed at quality 9, which is close and minutes faster.
 */
function wireBytes(file) {
  if (brotliCache.has(file)) return brotliCache.get(file);
  const body = fs.readFileSync(file);
  const quality = body.length > 64 * 1024 * 1024 ? 9 : 11;
  const brotli = zlib.brotliCompressSync(body, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: quality,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  }).length;
  const result = { raw: body.length, wire: Math.min(body.length, brotli), quality };
  brotliCache.set(file, result);
  return result;
}

/** The total wire bytes and count of the distinct paths in `paths`. */
function bytesOf(dir, paths) {
  const unique = [...new Set(paths)];
  const sizes = unique.map((p) => wireBytes(servedFile(dir, p)));
  return {
    files: unique.length,
    raw: sizes.reduce((s, x) => s + x.raw, 0),
    bytes: sizes.reduce((s, x) => s + x.wire, 0),
    lowQuality: sizes.some((x) => x.quality < 11),
  };
}

// ---------------------------------------------------------------------------------------------
// In the browser.

/** A fresh context (empty cache) and page; errors in the page are collected, not fatal. */
async function freshPage(browser, problems, tool) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(LOAD_TIMEOUT);
  page.on('pageerror', (err) => problems.add(`${tool}: uncaught: ${err.message}`));
  // A Content-Security-Policy violation is reported by name, whatever the console says of it.
  await page.exposeFunction('__benchViolation', (v) => problems.add(`${tool}: Content-Security-Policy violation: ${v}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__benchViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline code'} in ${e.documentURI}`);
    });
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.add(`${tool}: console error: ${msg.text().slice(0, 300)}`);
  });
  return { page, context };
}

// Installed before the app's scripts: `__searchBench.arm(text)` before a keystroke, then
// `__searchBench.done` resolves once the results for `text` are on screen (the title names the
// query, the status line is there, no placeholder, the list no longer busy), with the time from
// the input event and the `fieldnotes:search` measures that started since.
const WATCH_SEARCH = (timeout) => {
  const state = { target: null, inputAt: null, done: null, resolve: null };
  window.__searchBench = state;
  document.addEventListener('input', (event) => {
    if (state.target !== null && state.inputAt === null) state.inputAt = event.timeStamp;
  }, true);
  const check = () => {
    if (state.target === null) return;
    const failed = document.querySelector('main .load-failed');
    const title = state.target === '' ? 'Search · ' : `Search: ${state.target} · `;
    const status = document.querySelector('main .search-status');
    // The count is drawn with the results: until then the status line is empty. On screen means
    // the count and the first five results (a phone's first screen), or all when fewer: the app
    // draws those first and the rest of the page's as their cards arrive.
    const said = status?.textContent.match(/(\d+) posts? found/);
    const firstScreen = Math.min(5, said ? Number(said[1]) : 0);
    const cards = document.querySelectorAll('main .search-results > li').length;
    // The last search's results stay on screen, marked busy, until the new one's are drawn.
    const shown = document.title.startsWith(title) && status?.textContent.trim() && !document.querySelector('main .loading')
      && !document.querySelector('main .search-results[aria-busy="true"]') && cards >= firstScreen;
    if (!failed && !shown) return;
    const at = performance.now();
    const inputAt = state.inputAt;
    state.target = null;
    const since = (name) => (inputAt === null ? [] : performance.getEntriesByName(name, 'measure')
      .filter((m) => m.startTime >= inputAt));
    const measures = since('fieldnotes:search');
    // The parts of the search the app measures (src/app/data.rs, src/app/pages/search.rs): each
    // round of index files (fetch and parse), the parsing alone, the cards drawn first.
    const sum = (list) => list.reduce((a, m) => a + m.duration, 0);
    const rounds = since('fieldnotes:search-round');
    const parts = {
      rounds: rounds.length,
      fetch: sum(rounds),
      parse: sum(since('fieldnotes:search-parse')),
      cards: sum(since('fieldnotes:search-cards')),
    };
    state.resolve({
      drawn: inputAt === null ? null : at - inputAt,
      parts,
      measures: measures.map((m) => m.duration),
      status: status?.textContent ?? null,
      error: failed ? failed.textContent : null,
    });
  };
  // The busy mark going is a change of attribute alone when the new results are the old ones.
  new MutationObserver(check).observe(document, {
    subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['aria-busy'],
  });
  state.arm = (target) => {
    state.target = target;
    state.inputAt = null;
    state.done = new Promise((resolve, reject) => {
      state.resolve = resolve;
      setTimeout(() => reject(new Error(`no results drawn for "${target}" within ${timeout} ms`)), timeout);
    });
    state.done.catch(() => {});
  };
};

/**
 * The number of posts the status line announces; `≥N` when it says "At least N" (the app counts a
 * common word's posts as it loads them).
 */
function hitsOf(status) {
  if (status === null) return null;
  const found = status.match(/(At least )?(\d+) posts? found/);
  if (found) return found[1] ? `≥${found[2]}` : Number(found[2]);
  return /No posts match/.test(status) ? 0 : null;
}

/** Opens /search in a fresh context with the watcher installed; resolves once the app is drawn. */
async function openSearch(browser, server, problems) {
  const { page, context } = await freshPage(browser, problems, 'fieldnotes');
  await page.addInitScript(WATCH_SEARCH, KEY_TIMEOUT);
  await page.goto(server.url + '/search');
  await appReady(page);
  await page.waitForFunction(() => document.title.startsWith('Search · ') && document.querySelector('main .search-status'));
  return { page, context };
}

/** Types `text` into the search box (one input event) and resolves with what the watcher saw. */
async function searchFor(page, text, type) {
  await page.evaluate((t) => window.__searchBench.arm(t), text);
  await type();
  return within(page.evaluate(() => window.__searchBench.done), KEY_TIMEOUT + 5000, `results for "${text}"`);
}

/**
 * Types the warm-up word, then every word, one character at a time, through `key(prefix, char)`
 * (which resolves with { ms, drawn, hits, ... } for that keystroke) and `clear()` between words.
 * Stops at the first error or when `budget` (ms) is spent, keeping what was measured so far.
 */
async function typeWords(words, budget, key, clear, record) {
  const deadline = Date.now() + budget;
  const all = [words.warmup.word, ...words.list.map((x) => x.word)];
  const out = { keys: [], drawn: [], hits: {}, keystrokes: 0, words: 0, of: all.length - 1, error: null };
  try {
    for (const [w, word] of all.entries()) {
      if (Date.now() > deadline) break;
      if (w > 0) await clear();
      let last;
      for (let k = 1; k <= word.length; k++) {
        await new Promise((r) => setTimeout(r, KEY_GAP_MS));
        last = await key(word.slice(0, k), word[k - 1]);
        if (w === 0) continue; // the warm-up word is not counted
        out.keystrokes++;
        out.keys.push(last.ms);
        if (last.drawn !== undefined) out.drawn.push(last.drawn);
        record?.(out, last);
      }
      if (w > 0) {
        out.hits[word] = last.hits;
        out.words++;
      }
    }
  } catch (error) {
    out.error = error.message.split('\n')[0];
  }
  return out;
}

/**
 * One Fieldnotes typing session in the real search box. Per keystroke: the `fieldnotes:search`
 * measure, and the time from the input event to the results on screen.
 */
async function typeFieldnotes(browser, server, words, budget, problems) {
  const { page, context } = await openSearch(browser, server, problems);
  const box = page.locator('#search-box');
  try {
    const out = await typeWords(
      words,
      budget,
      async (prefix, char) => {
        const seen = await searchFor(page, prefix, () => box.pressSequentially(char));
        if (seen.error) throw new Error(`the app could not search: ${seen.error.trim()}`);
        return { ms: seen.measures.at(-1) ?? null, drawn: seen.drawn, hits: hitsOf(seen.status), measures: seen.measures.length, searchSum: seen.measures.reduce((a, b) => a + b, 0), parts: seen.parts };
      },
      () => searchFor(page, '', () => box.fill('')),
      (o, last) => {
        o.noMeasure = (o.noMeasure ?? 0) + (last.measures === 0 ? 1 : 0);
        o.several = (o.several ?? 0) + (last.measures > 1 ? 1 : 0);
        // Where one keystroke's time went: rounds of index files, the engine (the searches'
        // time less their rounds), the results' cards, and the rest until the results are
        // on screen (routing, Leptos drawing, waiting behind other work).
        if (last.parts && last.drawn !== null) {
          const p = last.parts;
          const engine = Math.max(0, last.searchSum - p.fetch);
          const rest = Math.max(0, last.drawn - last.searchSum - p.cards);
          (o.parts ??= []).push({ rounds: p.rounds, fetch: p.fetch, parse: p.parse, engine, cards: p.cards, rest, drawn: last.drawn, searches: last.measures });
        }
      },
    );
    return out;
  } finally {
    await context.close();
  }
}

/** A peer's page, its library and index loaded; resolves to the page and the load time (ms). */
async function openPeer(browser, server, tool, problems) {
  const { page, context } = await freshPage(browser, problems, tool);
  await page.goto(`${server.url}${BENCH_PATH}${tool}.html`);
  try {
    // The page is a few hundred bytes and one small script: a minute is plenty at any size.
    await page.waitForFunction(() => window.benchReady === true, null, { timeout: 60_000 });
  } catch (error) {
    await context.close();
    const seen = [...problems].filter((p) => p.startsWith(`${tool}:`));
    throw new Error(`${tool}'s bench page never got ready (${error.message.split('\n')[0]})${seen.length ? `; the page said: ${seen.join('; ')}` : ''}`);
  }
  return { page, context };
}

function initPeer(page, tool) {
  const options = tool === 'pagefind' ? PAGEFIND_OPTIONS : MINISEARCH_OPTIONS;
  return within(page.evaluate((o) => window.bench.init(o), options), LOAD_TIMEOUT, `${tool} init`);
}

/** One peer typing session, timed in the page: the same words and rhythm as Fieldnotes'. */
async function typePeer(browser, server, tool, words, budget, problems) {
  const { page, context } = await openPeer(browser, server, tool, problems);
  try {
    const setup = await initPeer(page, tool);
    const search = (q) => within(page.evaluate((text) => window.bench.search(text), q), KEY_TIMEOUT, `${tool} search "${q}"`);
    const out = await typeWords(words, budget, search, async () => {});
    return { ...out, setup };
  } finally {
    await context.close();
  }
}

/**
 * A cold one-word search: a fresh context opens the tool's search page, searches `word` once,
 * then shows the first results' snippets. Returns the paths requested in each step.
 */
async function coldSearch(browser, server, site, tool, word, problems) {
  // Sorts paths by the first kind whose test they pass; the rest under `other`.
  const classify = (paths, kinds) => {
    const out = { other: [] };
    for (const kind of Object.keys(kinds)) out[kind] = [];
    for (const p of paths) {
      const kind = Object.keys(kinds).find((k) => kinds[k](p));
      out[kind ?? 'other'].push(p);
    }
    return out;
  };
  if (tool === 'fieldnotes') {
    server.take();
    const { page, context } = await openSearch(browser, server, problems);
    try {
      await server.quiet();
      const boot = classify(server.take(), {
        code: (p) => /\.(wasm|js)$/.test(p),
        // Whatever data the app loads to start (manifest, post lists), whatever their names.
        data: (p) => p.startsWith('/data/') && !p.startsWith('/data/search/'),
      });
      const seen = await searchFor(page, word, () => page.locator('#search-box').fill(word));
      if (seen.error) throw new Error(`the app could not search: ${seen.error.trim()}`);
      await server.quiet();
      const search = classify(server.take(), {
        index: (p) => p.startsWith('/data/search/'),
        snippets: (p) => p.startsWith('/data/posts/'),
      });
      return {
        index: bytesOf(site, search.index),
        snippets: bytesOf(site, search.snippets),
        code: bytesOf(site, boot.code),
        appData: bytesOf(site, boot.data),
        other: search.other,
        hits: hitsOf(seen.status),
      };
    } finally {
      await context.close();
    }
  }
  const { page, context } = await openPeer(browser, server, tool, problems);
  try {
    await server.quiet();
    server.take();
    await initPeer(page, tool);
    const found = await within(page.evaluate((q) => window.bench.search(q), word), LOAD_TIMEOUT, `${tool} search`);
    await server.quiet();
    const first = server.take();
    await within(page.evaluate(([q, n]) => window.bench.snippets(q, n), [word, SNIPPETS]), LOAD_TIMEOUT, `${tool} snippets`);
    await server.quiet();
    const second = server.take();
    const code = (p) => p === '/bench/minisearch.js' || /^\/pagefind\/(pagefind[\w-]*\.js|wasm\.[\w-]+\.pagefind)$/.test(p);
    return {
      index: bytesOf(site, first.filter((p) => !code(p))),
      snippets: bytesOf(site, second.filter((p) => !code(p))),
      code: bytesOf(site, [...first, ...second].filter(code)),
      hits: found.hits,
    };
  } finally {
    await context.close();
  }
}

/** In-page facts about the measuring setup. */
async function environment(browser, server, problems) {
  const { page, context } = await openPeer(browser, server, 'minisearch', problems);
  try {
    return await clockFacts(page);
  } finally {
    await context.close();
  }
}

/** Every browser measurement of one size. A tool that fails is reported, not fatal. */
async function measureSize(size, site, options, problems) {
  const server = await serveLogged(site.dir);
  let browser;
  try {
    browser = await launchBrowser();
    const env = await environment(browser, server, problems);
    const tools = ['fieldnotes', 'pagefind', 'minisearch'].filter((t) => !site.builds[t]?.failed);
    const typing = Object.fromEntries(tools.map((t) => [t, []]));
    const failed = {};
    const budget = options.sessionMinutes * 60_000;
    for (let r = 1; r <= options.runs; r++) {
      // Interleaved, so a slow spell on the machine spreads over all three tools.
      for (const tool of tools) {
        if (failed[tool]) continue;
        log(`${size}: typing run ${r} of ${options.runs}: ${tool}`);
        try {
          const session = tool === 'fieldnotes'
            ? await typeFieldnotes(browser, server, site.words, budget, problems)
            : await typePeer(browser, server, tool, site.words, budget, problems);
          typing[tool].push(session);
          if (session.error) problems.add(`${size} ${tool}: typing run ${r} stopped: ${session.error}`);
          if (session.words < session.of) log(`${size}: ${tool} typed ${session.words} of ${session.of} words${session.error ? '' : ' (time budget spent)'}`);
        } catch (error) {
          failed[tool] = error.message;
          problems.add(`${size} ${tool}: typing failed: ${error.message.split('\n')[0]}`);
        }
      }
    }
    const cold = Object.fromEntries(tools.map((t) => [t, []]));
    for (const { word } of site.words.cold) {
      for (const tool of tools) {
        log(`${size}: cold search "${word}": ${tool}`);
        try {
          cold[tool].push(await coldSearch(browser, server, site.dir, tool, word, problems));
        } catch (error) {
          problems.add(`${size} ${tool}: cold search failed: ${error.message.split('\n')[0]}`);
        }
      }
    }
    return { env, typing, cold, failed, chromium: browser.version() };
  } finally {
    await browser?.close();
    await server.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Report.

const TOOLS = [
  ['fieldnotes', 'Fieldnotes'],
  ['pagefind', 'Pagefind'],
  ['minisearch', 'MiniSearch'],
];

function ms(v) {
  if (v === null || v === undefined) return 'n/a';
  if (v < 1) return `${v.toFixed(3)} ms`;
  if (v >= 1000) return `${(v / 1000).toFixed(2)} s`;
  return v < 10 ? `${v.toFixed(2)} ms` : `${v.toFixed(1)} ms`;
}

function kb(bytes) {
  if (bytes === null || bytes === undefined) return 'n/a';
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} KB`;
}

function ratio(peer, ours) {
  if (typeof peer !== 'number' || typeof ours !== 'number' || ours <= 0) return '—';
  return `${(peer / ours).toFixed(2)}×`;
}

/** The numbers of one size, by tool: what the tables print. */
function summarize(size, site, measured) {
  const out = {};
  for (const [tool] of TOOLS) {
    const build = site.builds[tool] ?? {};
    const runs = measured.typing[tool] ?? [];
    const keys = runs.flatMap((r) => r.keys);
    const cold = measured.cold[tool] ?? [];
    const pick = (key) => (cold.length ? median(cold.map((c) => c[key].bytes)) : null);
    const index = pick('index');
    const snippets = pick('snippets');
    out[tool] = {
      failed: build.failed ?? null,
      typingFailed: measured.failed[tool] ?? null,
      buildSeconds: build.seconds ?? null,
      index: build.index ?? null,
      p50: percentile(keys, 50),
      p95: percentile(keys, 95),
      max: percentile(keys, 100),
      samples: keys.filter((k) => k !== null).length,
      keystrokes: runs.reduce((s, r) => s + r.keystrokes, 0),
      noMeasure: runs.reduce((s, r) => s + (r.noMeasure ?? 0), 0),
      several: runs.reduce((s, r) => s + (r.several ?? 0), 0),
      drawn50: percentile(runs.flatMap((r) => r.drawn ?? []), 50),
      drawn95: percentile(runs.flatMap((r) => r.drawn ?? []), 95),
      parts: runs.flatMap((r) => r.parts ?? []),
      setup: runs.length ? median(runs.map((r) => r.setup ?? null)) : null,
      coldIndex: index,
      coldWithSnippets: index === null ? null : median(cold.map((c) => c.index.bytes + c.snippets.bytes)),
      coldIndexFiles: cold.length ? median(cold.map((c) => c.index.files)) : null,
      coldSnippetFiles: cold.length ? median(cold.map((c) => c.snippets.files)) : null,
      code: cold.length ? median(cold.map((c) => c.code.bytes)) : null,
      appData: cold.length && cold[0].appData ? median(cold.map((c) => c.appData.bytes)) : null,
      lowQuality: cold.some((c) => c.index.lowQuality || c.snippets.lowQuality),
      hits: Object.assign({}, ...runs.map((r) => r.hits)),
      wordsTyped: runs.map((r) => `${r.words}/${r.of}`),
      cutShort: runs.some((r) => r.words < r.of),
      sessionErrors: runs.map((r) => r.error).filter(Boolean),
      coldHits: cold.map((c) => c.hits),
      other: [...new Set(cold.flatMap((c) => c.other ?? []))],
    };
  }
  return out;
}

/** What a tool's cell says when it has no number: skipped (not installed) or failed. */
function failedCell(t) {
  return t.failed.startsWith('not installed') ? 'skipped' : 'failed';
}

/** One table row: a measure for each tool, with the peers' ratios to Fieldnotes. */
function row(name, s, value, format, goal = '') {
  const cell = (tool) => (s[tool].failed ? failedCell(s[tool]) : format(value(s[tool]), s[tool]));
  const ours = s.fieldnotes.failed ? null : value(s.fieldnotes);
  const r = (tool) => (s[tool].failed ? '—' : ratio(value(s[tool]), ours));
  return `| ${name} | ${cell('fieldnotes')} | ${cell('pagefind')} | ${r('pagefind')} | ${cell('minisearch')} | ${r('minisearch')} | ${goal} |`;
}

function sizeSection(size, site, measured, s) {
  const lines = [];
  const n = postsIn(size);
  const goal95 = GOALS.p95[size];
  const goalCold = GOALS.coldBytes[size];
  const verdict = (v, goal) => (v === null ? '' : v <= goal ? ' (within)' : ' (over)');
  lines.push(`## ${size} (${n.toLocaleString('en')} posts)`, '');
  lines.push('Ratios are peer / Fieldnotes: above 1 means Fieldnotes is faster or smaller.', '');
  lines.push('| Measure | Fieldnotes | Pagefind | ratio | MiniSearch | ratio | Goal (Fieldnotes) |');
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  lines.push(row('(1) Index build, wall', s, (t) => t.buildSeconds, (v) => (v === null ? 'n/a' : `${v.toFixed(2)} s`)));
  lines.push(row('(1) Index on disk', s, (t) => t.index?.bytes ?? null, (v, t) => (v === null ? 'n/a' : `${kb(v)}, ${t.index.files} files`)));
  lines.push(row('(2) Per keystroke, p50', s, (t) => t.p50, ms));
  lines.push(row('(2) Per keystroke, p95', s, (t) => t.p95, ms,
    goal95 ? `≤ ${ms(goal95)}${verdict(s.fieldnotes.failed ? null : s.fieldnotes.p95, goal95)}` : ''));
  lines.push(row('(2) Per keystroke, max', s, (t) => t.max, ms));
  lines.push(row('(3a) Cold search: index bytes', s, (t) => t.coldIndex, (v, t) => (v === null ? 'n/a' : `${kb(v)} (${t.coldIndexFiles} files)`),
    goalCold ? `≤ ${kb(goalCold)}${verdict(s.fieldnotes.failed ? null : s.fieldnotes.coldIndex, goalCold)}` : ''));
  lines.push(row(`(3b) Cold search: + snippets of the first ${SNIPPETS}`, s, (t) => t.coldWithSnippets,
    (v, t) => (v === null ? 'n/a' : `${kb(v)} (+${t.coldSnippetFiles} files)`),
    goalCold ? `≤ ${kb(goalCold)}${verdict(s.fieldnotes.failed ? null : s.fieldnotes.coldWithSnippets, goalCold)}` : ''));
  lines.push(row('(3c) Library code (Fieldnotes: the whole app)', s, (t) => t.code, kb));
  lines.push(row('Setup before the first search (load + init)', s, (t) => t.setup, ms));
  lines.push('');
  const f = s.fieldnotes;
  lines.push(`- Fieldnotes, keystroke → results on screen (input event to the count and the first five results drawn, Leptos rendering included): p50 ${ms(f.drawn50)}, p95 ${ms(f.drawn95)}.`);
  if (f.parts?.length) {
    // The keystrokes slower than the 95th percentile of results on screen show where p95 goes.
    const slow = f.parts.filter((p) => p.drawn >= (f.drawn95 ?? Infinity));
    const cell = (list, key) => (list.length ? `${ms(percentile(list.map((p) => p[key]), 50))} / ${ms(percentile(list.map((p) => p[key]), 95))}` : 'n/a');
    const mean = (list, key) => (list.length ? list.reduce((a, p) => a + p[key], 0) / list.length : null);
    const count = (v) => (v === null ? 'n/a' : v.toFixed(2));
    lines.push('', `Where a Fieldnotes keystroke's time goes (${f.parts.length} keystrokes; p50 / p95 of each part, and the mean over the ${slow.length} slowest 5 %):`, '');
    lines.push('| Part | p50 / p95 | mean of the slowest 5 % |');
    lines.push('| --- | ---: | ---: |');
    lines.push(`| Rounds of index files per keystroke (count) | ${f.parts.length ? `${percentile(f.parts.map((p) => p.rounds), 50)} / ${percentile(f.parts.map((p) => p.rounds), 95)}` : 'n/a'} | ${count(mean(slow, 'rounds'))} |`);
    lines.push(`| Searches run per keystroke (count) | ${percentile(f.parts.map((p) => p.searches), 50)} / ${percentile(f.parts.map((p) => p.searches), 95)} | ${count(mean(slow, 'searches'))} |`);
    lines.push(`| Index files: fetch + parse (the rounds, wall) | ${cell(f.parts, 'fetch')} | ${ms(mean(slow, 'fetch'))} |`);
    lines.push(`| of which parsing (JSON, binary) | ${cell(f.parts, 'parse')} | ${ms(mean(slow, 'parse'))} |`);
    lines.push(`| Engine (the searches less their rounds) | ${cell(f.parts, 'engine')} | ${ms(mean(slow, 'engine'))} |`);
    lines.push(`| Cards of the first results (the first five, drawn first) | ${cell(f.parts, 'cards')} | ${ms(mean(slow, 'cards'))} |`);
    lines.push(`| The rest: routing, drawing, waiting | ${cell(f.parts, 'rest')} | ${ms(mean(slow, 'rest'))} |`);
    lines.push(`| Keystroke → results on screen | ${cell(f.parts, 'drawn')} | ${ms(mean(slow, 'drawn'))} |`);
    lines.push('');
  }
  if (f.appData !== null) lines.push(`- Fieldnotes also loads the data it starts with on /search (manifest, post lists: everything under data/ but the search index), needed to show results: ${kb(f.appData)} brotli; not counted in (3a).`);
  if (f.keystrokes && f.noMeasure === f.keystrokes) {
    lines.push('- **The app recorded no `fieldnotes:search` measure**: the build in dist/ does not emit it yet, so Fieldnotes\' per-keystroke numbers are n/a.');
  } else if (f.noMeasure) {
    lines.push(`- ${f.noMeasure} of ${f.keystrokes} Fieldnotes keystrokes recorded no \`fieldnotes:search\` measure (no search evaluated for that text); left out of the percentiles.`);
  }
  for (const [tool, label] of TOOLS) {
    if (s[tool].cutShort) {
      lines.push(`- **${label}'s typing sessions were cut short** (words typed per session: ${s[tool].wordsTyped.join(', ')}): `
        + (s[tool].sessionErrors.length ? `stopped by an error: ${s[tool].sessionErrors[0]}` : 'the time budget was spent (--session-minutes); its percentiles cover the words typed.'));
    }
  }
  if (f.several) lines.push(`- ${f.several} Fieldnotes keystrokes recorded more than one measure; the last one was counted.`);
  if (f.other.length) lines.push(`- Other requests during Fieldnotes' cold searches (not counted): ${f.other.slice(0, 8).join(', ')}.`);
  if (TOOLS.some(([t]) => s[t].lowQuality)) lines.push('- Some index files over 64 MB were compressed at brotli quality 9 instead of 11.');
  const b = site.builds;
  if (b.minisearch && !b.minisearch.failed) {
    lines.push(`- MiniSearch build: ${(b.minisearch.reading / 1000).toFixed(2)} s reading the Markdown and stripping it, ${(b.minisearch.indexing / 1000).toFixed(2)} s indexing, ${(b.minisearch.writing / 1000).toFixed(2)} s JSON.stringify + write.`);
  }
  if (b.pagefind && !b.pagefind.failed) {
    lines.push(`- Pagefind on disk: ${kb(b.pagefind.index.bytes)} of index (${kb(b.pagefind.fragments.bytes)} of it fragments, ${b.pagefind.fragments.files} files) plus ${kb(b.pagefind.library.bytes)} of library and UI files.`);
  }
  if (b.fieldnotes) lines.push(`- Fieldnotes' whole data folder: ${kb(b.fieldnotes.data.bytes)} in ${b.fieldnotes.data.files} files (its build time covers all of it: post files, post list, search index).`);
  for (const [tool, label] of TOOLS) {
    if (s[tool].failed) {
      lines.push(s[tool].failed.startsWith('not installed')
        ? `- **${label} was skipped**: ${s[tool].failed} (npm could not install it; bench/scripts/bench-search tries again on its next run).`
        : `- **${label}'s index build failed**: ${s[tool].failed.split('\n')[0].slice(0, 400)}`);
    }
    if (s[tool].typingFailed) lines.push(`- **${label}'s typing session failed** (its keystroke numbers are n/a or partial): ${s[tool].typingFailed.split('\n')[0].slice(0, 400)}`);
  }
  lines.push('');

  // The words, and what each tool found for the whole word (a sanity check: similar counts).
  lines.push(`Words typed (after the warm-up word "${site.words.warmup.word}"), with the posts containing each (my tokenizer) and the results each tool listed for the whole word. Fieldnotes: the count its status line shows once the word is typed ("≥N" while a common word's posts are still to load), and the posts its results list once every page is shown (its own search code run natively over the same index, bench/benches/search_cost.rs):`, '');
  lines.push('| Word | Posts with it | Fieldnotes (its count) | Fieldnotes (every page) | Pagefind | MiniSearch |');
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const w of site.words.list) {
    const name = w.typoOf ? `${w.word} (typo of ${w.typoOf}, ${w.typoOfPosts} posts)` : w.word;
    const hit = (tool) => (s[tool].hits[w.word] ?? 'n/a');
    lines.push(`| ${name} | ${w.posts} | ${hit('fieldnotes')} | ${site.listed?.[w.word] ?? 'n/a'} | ${hit('pagefind')} | ${hit('minisearch')} |`);
  }
  lines.push('');
  lines.push(`Cold searches: ${site.words.cold.map((w) => `"${w.word}" (${w.posts} posts)`).join(', ')}; each number above is the median of the three.`, '');
  const zero = site.words.list.filter((w) => !w.typoOf && f.hits[w.word] === 0);
  if (zero.length >= 3) {
    lines.push(`**Warning**: Fieldnotes listed no result for ${zero.length} words that posts contain (${zero.slice(0, 5).map((w) => w.word).join(', ')}…). The app in dist/ probably cannot read the index this fieldnotes CLI wrote (rebuild dist/ from the same source as the CLI); its numbers above are not meaningful.`, '');
  }
  void measured;
  return lines.join('\n');
}

function header({ options, env, chromium, versions, load, seconds }) {
  const lines = [];
  lines.push('# Search: Fieldnotes, Pagefind and MiniSearch', '');
  lines.push(`- ${new Date().toISOString().slice(0, 16)}Z; machine: ${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB; load average ${load.before} before, ${load.after} after (other work on the machine slows every number)`);
  lines.push(`- Fieldnotes ${versions.fieldnotes}; app in dist/: ${versions.app}; CLI: ${versions.cli}`);
  lines.push(`- Pagefind ${versions.pagefind} (npm pagefind@${versions.pagefindNpm}); MiniSearch ${versions.minisearch}; node ${process.version}; headless Chromium ${chromium ?? '?'}`);
  if (env) lines.push(`- crossOriginIsolated: ${env.crossOriginIsolated}; performance.now() resolution ≈ ${(env.resolution * 1000).toFixed(1)} µs`);
  lines.push(`- Runs: ${options.runs} typing session(s) per tool and size, each in a fresh browser context (warm-up word first, not counted), at most ${options.sessionMinutes} min each; ${KEY_GAP_MS} ms between keystrokes (after the results are on screen, for Fieldnotes); index builds: fastest of ${options.buildRuns}; p50/p95 are nearest-rank`);
  lines.push('- How each is measured:');
  lines.push('  - Fieldnotes: `fieldnotes build` of the whole site (wall; everything, not just search). In the browser, the real search box on /search, one key at a time; per keystroke the app\'s `fieldnotes:search` User Timing measure (query start to hits computed, fetching included). Index = `data/search/`; snippets = `data/posts/` files fetched for the results.');
  lines.push(`  - Pagefind: CLI \`--site <site> --glob "${PAGEFIND_GLOB}" --output-subdir pagefind\` over the HTML page \`fieldnotes stubs\` writes per post (the full article; no tags in it); in the page its JS API with \`options(${JSON.stringify(PAGEFIND_OPTIONS)})\` and defaults otherwise (its web worker on); per keystroke \`await pf.search(q)\`; snippets = \`data()\` of the first ${SNIPPETS} results (fragment files). Index size counts entry, meta, index, filter and fragment files.`);
  lines.push(`  - MiniSearch: built in node from the corpus' Markdown (the same posts fieldnotes builds): title, tags and body, the Markdown crudely stripped (link targets dropped, markup punctuation and HTML tags removed, code kept); options ${JSON.stringify(MINISEARCH_OPTIONS)}; \`JSON.stringify\` to one file; build time = reading + stripping + indexing + writing, in-process. In the page \`MiniSearch.loadJSON\` then \`search(q)\` per keystroke. It stores titles only: no snippet to fetch, so (3b) = (3a). Library = the unminified ES build.`);
  lines.push('  - Bytes: each file requested, brotli quality 11 in node (or as stored when smaller: Pagefind\'s files are gzip-compressed already). (3c) for Fieldnotes is the app itself (wasm + JS), paid on the first visit whatever the page.');
  lines.push(`- Measured in ${seconds.toFixed(0)} s.`);
  lines.push('');
  return lines.join('\n');
}

function summaryTable(results) {
  const lines = ['## Summary', '', 'Per-keystroke p95 and cold search bytes (3b) for Fieldnotes / Pagefind / MiniSearch.', ''];
  lines.push('| Size | p95 Fieldnotes | p95 Pagefind | p95 MiniSearch | p95 goal | cold F | cold P | cold M | cold goal | build F | build P | build M |');
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const { size, s } of results) {
    const v = (tool, f) => (s[tool].failed ? failedCell(s[tool]) : f(s[tool]));
    const sec = (t) => (t.buildSeconds === null ? 'n/a' : `${t.buildSeconds.toFixed(1)} s`);
    lines.push(`| ${size} | ${v('fieldnotes', (t) => ms(t.p95))} | ${v('pagefind', (t) => ms(t.p95))} | ${v('minisearch', (t) => ms(t.p95))} | ${GOALS.p95[size] ? '≤ ' + ms(GOALS.p95[size]) : '—'} `
      + `| ${v('fieldnotes', (t) => kb(t.coldWithSnippets))} | ${v('pagefind', (t) => kb(t.coldWithSnippets))} | ${v('minisearch', (t) => kb(t.coldWithSnippets))} | ${GOALS.coldBytes[size] ? '≤ ' + kb(GOALS.coldBytes[size]) : '—'} `
      + `| ${v('fieldnotes', sec)} | ${v('pagefind', sec)} | ${v('minisearch', sec)} |`);
  }
  lines.push('');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------

function versionsOf(options) {
  const git = (...args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  const rev = git('rev-parse', '--short', 'HEAD').stdout.trim() || '?';
  const dirty = git('diff', '--quiet').status === 0 ? '' : ' + uncommitted changes';
  const pkg = (name) => (options.missing.includes(name)
    ? 'not installed'
    : JSON.parse(fs.readFileSync(path.join(options.peers, 'node_modules', name, 'package.json'), 'utf8')).version);
  const wasm = fs.readdirSync(dist).find((f) => f.endsWith('.wasm')) ?? '?';
  const cli = fs.existsSync(options.fieldnotes)
    ? `${path.relative(root, options.fieldnotes) || options.fieldnotes} (built ${fs.statSync(options.fieldnotes).mtime.toISOString().slice(0, 16)}Z)`
    : options.fieldnotes;
  return {
    fieldnotes: `${rev}${dirty}`,
    app: `${wasm} (built ${fs.statSync(path.join(dist, 'index.html')).mtime.toISOString().slice(0, 16)}Z)`,
    cli,
    pagefindNpm: pkg('pagefind'),
    minisearch: pkg('minisearch'),
  };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    console.error('search-bench: dist/ has no build; run `trunk build --release --offline` first');
    process.exit(1);
  }
  if (!fs.existsSync(options.fieldnotes)) {
    console.error(`search-bench: no fieldnotes CLI at ${options.fieldnotes}; run bench/scripts/bench-search (it builds one)`);
    process.exit(1);
  }
  // A peer that is not installed (bench/scripts/bench-search installs both; npm may be out of
  // reach) is left out of the measurements and named in the report, not fatal.
  options.missing = ['pagefind', 'minisearch'].filter((name) => !fs.existsSync(path.join(options.peers, 'node_modules', name, 'package.json')));
  for (const name of options.missing) {
    log(`SKIPPING ${name}: it is not installed in ${path.relative(root, options.peers) || options.peers} (bench/scripts/bench-search installs it with npm)`);
  }
  const started = Date.now();
  const loadBefore = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const versions = versionsOf(options);
  versions.pagefind = options.missing.includes('pagefind')
    ? 'not installed'
    : run(await pagefindBinary(options.peers), ['--version'], { timeout: 30_000 }).output.trim();
  const problems = new Set();
  const results = [];
  let env = null;
  let chromium = null;
  const write = () => {
    const text = [
      header({ options, env, chromium, versions, load: { before: loadBefore, after: os.loadavg().map((l) => l.toFixed(2)).join(' ') }, seconds: (Date.now() - started) / 1000 }),
      results.length > 1 ? summaryTable(results) : '',
      ...results.map((r) => r.text),
      problems.size ? ['## Problems seen', '', ...[...problems].map((p) => `- ${p}`), ''].join('\n') : '',
    ].filter(Boolean).join('\n');
    fs.writeFileSync(REPORT, text);
    return text;
  };
  for (const size of options.sizes) {
    let site;
    try {
      site = await buildSite(size, options);
      log(`${size}: words ${site.words.list.map((w) => w.word).join(' ')}`);
      const measured = await measureSize(size, site, options, problems);
      env ??= measured.env;
      chromium ??= measured.chromium;
      const s = summarize(size, site, measured);
      results.push({ size, s, text: sizeSection(size, site, measured, s) });
      write();
      log(`${size}: done; report so far in ${path.relative(root, REPORT)}`);
    } finally {
      if (site && !options.keep) fs.rmSync(site.work, { recursive: true, force: true });
    }
  }
  process.stdout.write(write());
  log(`written to ${path.relative(root, REPORT)}`);
}

// `--minisearch-build` is the child process that builds MiniSearch's index; otherwise the benchmark.
if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv[2] === '--minisearch-build') {
    await minisearchBuild(...process.argv.slice(3, 6));
  } else {
    await main();
  }
}
