// Every route page is valid HTML: the W3C Nu HTML Checker (the `vnu-jar` package, run with the
// system's Java) reads every page a build writes (route pages, list pages, tags, categories,
// archive, search, offline, redirects, 404 and the app shell) and must report no error. Sites:
// the release build (`dist/`), the same site built for `/blog/`, fixture sites that use every
// feature of the no-JavaScript copy (comments and their threads, hostile Markdown and comments,
// standalone pages, tags in any script), and the sample with comments turned on.
// A broken page is given to the checker too, so a checker that reports nothing cannot pass.
// Not a browser test, but it reads the build the browser tests read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { root, dist, fieldnotes, buildSite } from './harness.mjs';

const VNU = path.join(root, 'node_modules/vnu-jar/build/dist/vnu.jar');
let work;

before(() => {
  assert.ok(fs.existsSync(path.join(dist, 'index.html')), 'build the site first: trunk build --release --offline');
  assert.ok(fs.existsSync(VNU), 'the checker is missing: run scripts/setup --browser');
  fieldnotes('--version'); // builds the binary buildSite runs
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldnotes-valid-'));
});

after(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Every HTML file a built site holds, its data folder left out (no page there). */
function pagesOf(site) {
  return fs.readdirSync(site, { recursive: true }).map(String)
    .filter((f) => f.endsWith('.html') && !f.startsWith(`data${path.sep}`))
    .map((f) => path.join(site, f));
}

/**
 * The checker's errors for `files`, one line each as `file:line: message`. Warnings and notes
 * are not errors: those it gives are about the policy it cannot evaluate on a `file:` address.
 */
function errorsOf(files) {
  const run = spawnSync('java', ['-jar', VNU, '--errors-only', '--format', 'json', ...files], {
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(run.error, undefined, `the checker did not run: ${run.error}`);
  // The report is on standard error; exit code 1 means "errors found", anything else a failure.
  assert.ok(run.status === 0 || run.status === 1, `the checker failed (${run.status}): ${run.stderr.slice(0, 2000)}`);
  const { messages } = JSON.parse(run.stderr);
  return messages
    .filter((m) => m.type === 'error' || m.subType === 'fatal')
    .map((m) => `${decodeURIComponent(m.url ?? '').replace(/^file:/, '')}:${m.lastLine ?? '?'}: ${m.message}`);
}

/** The site of fixture `name`, built over the release build's app shell. */
function fixtureSite(name, ...buildArgs) {
  const out = path.join(work, name);
  buildSite({ content: path.join(root, 'tests/fixtures', name), out, buildArgs });
  return out;
}

test('the checker reports an error in a broken page (so a silent checker fails this suite)', () => {
  const broken = path.join(work, 'broken.html');
  fs.writeFileSync(broken, '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><p><div></p></span></body></html>');
  const errors = errorsOf([broken]);
  assert.ok(errors.length >= 1, 'the checker found nothing wrong in a broken page');
  assert.ok(errors.every((e) => e.startsWith(broken)), errors.join('\n'));
});

test('every page of the release build is valid HTML', () => {
  const pages = pagesOf(dist);
  // Route pages of each kind, the 404 page and the app shell.
  for (const page of ['index.html', '404.html', 'shell.html', 'tags/index.html', 'archive/index.html', 'search/index.html', 'offline/index.html']) {
    assert.ok(pages.includes(path.join(dist, page)), `the build has no ${page}`);
  }
  assert.ok(pages.filter((p) => p.includes(`${path.sep}posts${path.sep}`)).length >= 10, 'the build has too few post pages');
  assert.deepEqual(errorsOf(pages), [], `invalid HTML in ${pages.length} pages`);
});

test('every page of the site built for a sub-path is valid HTML', () => {
  const blog = path.join(root, 'target/dist-blog');
  assert.ok(fs.existsSync(path.join(blog, 'index.html')), 'build it first: FIELDNOTES_BASE_PATH=/blog/ trunk build --release --offline --public-url /blog/ --dist target/dist-blog');
  const pages = pagesOf(blog);
  assert.deepEqual(errorsOf(pages), [], `invalid HTML in ${pages.length} pages`);
});

test('every page of sites with comments, hostile text, standalone pages and tags in any script is valid HTML', () => {
  const sites = [
    fixtureSite('comments'),
    fixtureSite('hostile'),
    fixtureSite('pages'),
    fixtureSite('site'),
    // Its site.toml names a sub-path the shell was not built for; its pages are the same at `/`.
    fixtureSite('routes', '--base-path', '/'),
  ];
  const pages = sites.flatMap(pagesOf);
  assert.ok(pages.length >= 40, `only ${pages.length} pages built`);
  assert.deepEqual(errorsOf(pages), [], `invalid HTML in ${pages.length} pages`);
});

test('every page of the sample with comments turned on (its policy names the intake server) is valid HTML', () => {
  const content = path.join(work, 'content');
  fs.cpSync(path.join(root, 'content'), content, { recursive: true });
  fs.appendFileSync(path.join(content, 'site.toml'), '\n[comments]\nendpoint = "http://127.0.0.1:9/api/comments"\n');
  const out = path.join(work, 'with-comments');
  buildSite({ content, out });
  const post = fs.readFileSync(path.join(out, 'posts/day-04-a-river-village/index.html'), 'utf8');
  assert.match(post, /connect-src[^;"]*http:\/\/127\.0\.0\.1:9/, 'the post page does not let the app reach the intake server');
  const pages = pagesOf(out);
  assert.deepEqual(errorsOf(pages), [], `invalid HTML in ${pages.length} pages`);
});

