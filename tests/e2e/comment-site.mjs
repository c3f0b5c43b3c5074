// The sample blog built with `[comments] endpoint` pointing at the real intake server
// (`fieldnotes comments serve`), both on 127.0.0.1: the site a reader leaves a comment on. Shared by
// the comment form's tests in Chromium (comment_form.test.mjs) and in Firefox (tests/firefox/).
// Not a test file (node --test runs only *.test.mjs).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serve } from './static-server.mjs';
import { root, fieldnotes, buildSite, TIMEOUT } from './harness.mjs';

/** The fieldnotes binary `cargo run` builds (where CARGO_TARGET_DIR says, else target/). */
export const cli = path.join(path.resolve(root, process.env.CARGO_TARGET_DIR ?? 'target'), 'debug/fieldnotes');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Copies the sample content into a folder of its own, points its comments at a free port of
 * 127.0.0.1, builds it with the release build's shell and serves it. Returns the site (`url`,
 * `content`, `out`, `db`) with what the tests do to it: `startIntake()` (resolves once the server
 * answers; `stop()` ends it), `rebuild()` after an export, `comments(…)` runs `fieldnotes comments
 * …` on its database, `listed(…flags)` the comments the server holds, one a line, the id first,
 * and `close()`.
 */
export async function commentSite() {
  fieldnotes('--version'); // builds the binary the intake server runs
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fieldnotes-form-'));
  const content = path.join(work, 'content');
  const out = path.join(work, 'site');
  const db = path.join(work, 'comments.sqlite');
  const port = await freePort();
  fs.cpSync(path.join(root, 'content'), content, { recursive: true });
  fs.appendFileSync(path.join(content, 'site.toml'), `\n[comments]\nendpoint = "http://127.0.0.1:${port}/api/comments"\n`);
  const rebuild = () => buildSite({ content, out });
  rebuild();
  const served = await serve(out);
  const comments = (...args) => execFileSync(cli, ['comments', ...args, '--db', db], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  /** Starts the intake server; `origin: false` leaves out `--origin`, so the site's pages are
   * refused (its `base_url` is not the address it is served at here). */
  async function startIntake({ origin = true } = {}) {
    const allow = origin ? ['--origin', served.url] : [];
    const child = spawn(cli, ['comments', 'serve', '--db', db, '--site', out, '--listen', `127.0.0.1:${port}`, ...allow,
      // One reader (127.0.0.1) sends every comment of a test file: more than a reader's default limit.
      '--per-10-minutes', '100', '--per-day', '1000'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d) => { log += d; });
    child.stderr.on('data', (d) => { log += d; });
    const deadline = Date.now() + TIMEOUT;
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/comments/token`);
        if (res.ok) break;
      } catch {
        // not up yet
      }
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGTERM');
        throw new Error(`the intake server did not start:\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return {
      log: () => log,
      stop: () => new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
    };
  }

  return {
    url: served.url,
    content,
    out,
    db,
    startIntake,
    rebuild,
    comments,
    listed: (...flags) => comments('list', ...flags).split('\n').filter((l) => /^c-[0-9a-f]{16}\b/.test(l)),
    close: async () => {
      await served.close();
      fs.rmSync(work, { recursive: true, force: true });
    },
  };
}
