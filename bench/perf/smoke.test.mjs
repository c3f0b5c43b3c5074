// Smoke run of the measurement commands, so they keep working between the times someone runs them
// for real: bench/scripts/bench-search on a tiny generated corpus (40 posts, one short typing
// session per tool, the dev build of the CLI) and bench/scripts/measure (one run of each timing),
// both against the release build in dist/. Asserts that each finishes and prints its tables; the
// numbers themselves are never checked (they mean nothing at this size and on a busy machine).
// A peer that npm cannot install is skipped by bench-search, which says so; this test repeats
// the message and passes. Run by scripts/test (`node --test bench/perf/`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { root } from '../../tests/e2e/harness.mjs';

/** Runs one of bench/scripts/ to completion, bounded in time; resolves to its output and status. */
function script(name, args, timeout) {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(root, 'bench/scripts', name), args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`${name} ${args.join(' ')} took over ${timeout / 1000} s:\n${stderr.slice(-3000)}`));
    }, timeout);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

// From a fresh clone the run also installs the peers with npm and builds the corpus generator, which
// took up to 170 s on a busy 2-core machine: the bound leaves room for that.
test('bench-search runs on a 40-post corpus and prints its report', { timeout: 330_000 }, async (t) => {
  const { status, stdout, stderr } = await script('bench-search', ['40', '--runs', '1', '--session-minutes', '0.05', '--dev'], 320_000);
  assert.equal(status, 0, `bench-search failed:\n${stderr.slice(-3000)}`);
  for (const skipped of stderr.match(/SKIPPING [^\n]*|WARNING: npm could not install [^\n]*/g) ?? []) t.diagnostic(skipped);
  assert.match(stdout, /^# Search: Fieldnotes, Pagefind and MiniSearch$/m);
  assert.match(stdout, /^## 40 \(40 posts\)$/m);
  for (const measure of ['(1) Index build, wall', '(2) Per keystroke, p95', '(3b) Cold search: + snippets of the first 5']) {
    assert.ok(stdout.includes(`| ${measure} |`), `the report has the row "${measure}"`);
  }
  assert.match(stdout, /^\| Word \| Posts with it \| Fieldnotes \(its count\) \| Fieldnotes \(every page\) \| Pagefind \| MiniSearch \|$/m);
  // Every word a post has is listed in all its posts once every page is shown (more with typos).
  const words = stdout.split('\n').filter((l) => /^\| [a-z]+ \| \d+ \|/.test(l));
  assert.ok(words.length >= 10, `the word table has rows:\n${words.join('\n')}`);
  for (const line of words) {
    const [, , posts, , every] = line.split('|').map((c) => c.trim());
    assert.ok(Number(every) >= Number(posts), `every post with the word is listed: ${line}`);
  }
  // Fieldnotes itself is never skipped: its cold search and its typing produced numbers.
  const row = stdout.split('\n').find((l) => l.startsWith('| (3b) Cold search'));
  assert.match(row.split('|')[2], /\d+(\.\d+)? KB/, row);
  assert.doesNotMatch(stdout, /Content-Security-Policy violation/, 'no bench page is blocked by a policy');
});

test('measure runs once against dist/ and prints its tables', { timeout: 120_000 }, async () => {
  const { status, stdout, stderr } = await script('measure', ['--runs', '1'], 110_000);
  assert.equal(status, 0, `measure failed:\n${stderr.slice(-3000)}`);
  assert.match(stdout, /^## \(3\) First visit to \/ \(brotli, quality 11\)$/m);
  assert.match(stdout, /^\| \*\*Total\*\* \(\d+ files\) \|/m);
  assert.match(stdout, /\| \(1\) Click → long post text painted/);
});
