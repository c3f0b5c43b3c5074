// The author's loop, timed (not a test: numbers are printed, never asserted). Run by
// bench/scripts/author-loop.
//
//   node bench/perf/author-loop.mjs [CONTENT_DIR…] [--runs N] [--app-edit]
//
// For each content folder (default: the sample blog, content/), a copy of it is served by
// `fieldnotes serve` (the optimised `builder` build) over the app shell of the release build in
// dist/, a post is opened in headless Chromium, and its Markdown file is edited N times. Each edit
// is timed from the file write to: the server's rebuild done (its console line, and the rebuild
// time it reports), and the new text on the screen of the page, which reloads by itself.
// --app-edit also times an edit of the app's code: the app shell built again by Trunk after
// `src/app/mod.rs` is touched, as a debug build and as a release build, the way the server does it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, execFileSync } from 'node:child_process';
import { root, dist, TIMEOUT, launchBrowser, openPage, appReady } from '../../tests/e2e/harness.mjs';

function parseArgs(argv) {
  const options = { folders: [], runs: 5, appEdit: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--runs') options.runs = Number(argv[++i]);
    else if (arg === '--app-edit') options.appEdit = true;
    else if (arg === '-h' || arg === '--help') {
      console.log('usage: node bench/perf/author-loop.mjs [CONTENT_DIR…] [--runs N] [--app-edit]');
      process.exit(0);
    } else options.folders.push(path.resolve(arg));
  }
  if (options.folders.length === 0) options.folders.push(path.join(root, 'content'));
  return options;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const targetDir = () => JSON.parse(execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], { cwd: root })).target_directory;

/** The release build's app shell (its files and icons, never its data or pages) in `app`. */
function copyShell(app) {
  fs.mkdirSync(app, { recursive: true });
  for (const entry of fs.readdirSync(dist, { withFileTypes: true })) {
    const from = path.join(dist, entry.name);
    if (entry.isFile()) fs.copyFileSync(from, path.join(app, entry.name));
    // The app's own folders: its install icons and the pieces loaded on use (`fieldnotes split`).
    else if (entry.name === 'icons' || entry.name === 'pieces') fs.cpSync(from, path.join(app, entry.name), { recursive: true });
  }
}

/** `fieldnotes serve` on a free port, with its console lines as they come. */
function startServer(cli, args) {
  const child = spawn(cli, ['serve', '--port', '0', '--app-build', 'never', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const waiting = [];
  const lines = [];
  child.stdout.setEncoding('utf8');
  let rest = '';
  child.stdout.on('data', (chunk) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop();
    for (const line of parts) {
      lines.push(line);
      for (const w of [...waiting]) {
        if (line.includes(w.text)) {
          waiting.splice(waiting.indexOf(w), 1);
          w.resolve({ line, at: performance.now() });
        }
      }
    }
  });
  const next = (text) => new Promise((resolve, reject) => {
    const found = lines.find((l) => l.includes(text));
    if (found && text.startsWith('serving')) return resolve({ line: found, at: performance.now() });
    waiting.push({ text, resolve });
    setTimeout(() => reject(new Error(`no console line with ${text}`)), 20 * TIMEOUT);
  });
  return { next, lines, stop: () => child.kill('SIGKILL') };
}

async function timeFolder(browser, cli, folder, runs) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldnotes-loop-'));
  let server;
  try {
    const content = path.join(work, 'content');
    fs.cpSync(folder, content, { recursive: true });
    const app = path.join(work, 'app');
    copyShell(app);
    const t0 = performance.now();
    server = startServer(cli, ['--app', app, '--content', content, '--image-cache', path.join(root, '.fieldnotes-cache/images')]);
    const { line } = await server.next('serving the site at');
    const first = (performance.now() - t0) / 1000;
    const url = line.match(/(http:\/\/127\.0\.0\.1:\d+)/)[1];
    const manifest = await (await fetch(`${url}/data/manifest.json`)).json();
    const all = await (await fetch(`${url}/data/${manifest.all_posts}`)).json();
    const post = all.posts[0];
    const file = fs.readdirSync(content, { recursive: true }).map(String).filter((f) => /\.(md|markdown)$/.test(f))
      .map((f) => path.join(content, f)).find((f) => fs.readFileSync(f, 'utf8').includes(post.title));
    const { page, problems, close } = await openPage(browser);
    await page.goto(`${url}/posts/${post.slug}/`);
    await appReady(page);
    const rebuild = [];
    const served = [];
    const screen = [];
    for (let run = 0; run < runs; run++) {
      const text = `Edited for the author loop, run ${run} ${Date.now()}.`;
      const done = server.next(path.basename(file));
      const start = performance.now();
      fs.appendFileSync(file, `\n\n${text}\n`);
      const logged = await done;
      served.push(logged.at - start);
      rebuild.push(Number(logged.line.match(/in (\d+) ms/)?.[1] ?? NaN));
      await page.getByText(text).waitFor({ timeout: TIMEOUT });
      screen.push(performance.now() - start);
      await appReady(page);
    }
    await close();
    return { folder, posts: all.posts.length, first, rebuild, served, screen, problems };
  } finally {
    // Stopped on a failure too, before its folders go.
    server?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Trunk's app build after an edit of the app's code, debug and release, as the server runs it. */
function timeAppEdit() {
  const out = {};
  const appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldnotes-app-'));
  const env = { ...process.env, FIELDNOTES_PREVIEW: '1' };
  try {
    for (const mode of ['debug', 'release']) {
      const args = ['build', '--offline', '--quiet', '--dist', path.join(appDir, mode), ...(mode === 'release' ? ['--release'] : [])];
      execFileSync('trunk', args, { cwd: root, env, stdio: 'inherit' }); // warm
      const now = new Date();
      fs.utimesSync(path.join(root, 'src/app/mod.rs'), now, now);
      const start = performance.now();
      execFileSync('trunk', args, { cwd: root, env, stdio: 'inherit' });
      out[mode] = (performance.now() - start) / 1000;
      const wasm = fs.readdirSync(path.join(appDir, mode)).find((f) => f.endsWith('.wasm'));
      out[`${mode}Wasm`] = fs.statSync(path.join(appDir, mode, wasm)).size;
    }
  } finally {
    fs.rmSync(appDir, { recursive: true, force: true });
  }
  return out;
}

const options = parseArgs(process.argv.slice(2));
execFileSync('cargo', ['build', '--quiet', '--profile', 'builder', '--bin', 'fieldnotes'], { cwd: root, stdio: 'inherit' });
const cli = path.join(targetDir(), 'builder', 'fieldnotes');
const browser = await launchBrowser();
const rows = [];
try {
  for (const folder of options.folders) rows.push(await timeFolder(browser, cli, folder, options.runs));
} finally {
  await browser.close();
}
const ms = (xs) => `${Math.round(median(xs))} ms (max ${Math.round(Math.max(...xs))})`;
console.log(`\nAuthor loop, ${options.runs} edits per site, median (max); load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
console.log('| Site | posts | first build | rebuild (server) | write → served | write → new text on screen | console errors |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows) {
  console.log(`| ${path.basename(r.folder)} | ${r.posts} | ${r.first.toFixed(2)} s | ${ms(r.rebuild)} | ${ms(r.served)} | ${ms(r.screen)} | ${r.problems.length} |`);
}
if (options.appEdit) {
  const app = timeAppEdit();
  console.log(`\nApp code edit (src/app/mod.rs touched), Trunk's app shell build as the server runs it:`);
  console.log(`- debug:   ${app.debug.toFixed(1)} s (WASM ${(app.debugWasm / 1e6).toFixed(1)} MB)`);
  console.log(`- release: ${app.release.toFixed(1)} s (WASM ${(app.releaseWasm / 1e6).toFixed(2)} MB)`);
}
