// Serving for the measurement scripts: the static server of the tests (tests/e2e/static-server.mjs,
// the same CDN-like behaviour), behind a small proxy that adds the two headers for cross-origin
// isolation, with which the browser gives performance.now() its fine resolution.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { serve } from '../../tests/e2e/static-server.mjs';

/**
 * Serves `dir` cross-origin isolated on 127.0.0.1. `observe(req, res)`, when given, sees every
 * request before it is passed on. `bare` (path prefixes) is passed to the static server: pages
 * there get no `_headers` rules, so no site Content-Security-Policy.
 */
export async function serveIsolated(dir, observe = () => {}, { bare = [] } = {}) {
  const inner = await serve(dir, { bare });
  const pool = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    observe(req, res);
    const upstream = http.request(inner.url + req.url, { method: req.method, headers: req.headers, agent: pool }, (up) => {
      res.writeHead(up.statusCode, {
        ...up.headers,
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      });
      up.pipe(res);
    });
    upstream.on('error', (err) => res.writeHead(502).end(String(err)));
    req.pipe(upstream);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
      pool.destroy();
      await inner.close();
    },
  };
}

/** In-page facts about the measuring setup: isolation, the timer's resolution, the browser. */
export function clockFacts(page) {
  return page.evaluate(() => {
    // The smallest step performance.now() takes: about 5 µs isolated, 100 µs otherwise.
    let step = Infinity;
    let last = performance.now();
    for (let i = 0; i < 200_000 && step > 0.001; i++) {
      const now = performance.now();
      if (now > last) step = Math.min(step, now - last);
      last = now;
    }
    return { crossOriginIsolated: window.crossOriginIsolated, resolution: step, userAgent: navigator.userAgent };
  });
}

/** The file the static server answers `pathname` with (as static-server.mjs maps it). */
export function servedFile(dir, pathname) {
  let file = path.join(dir, decodeURIComponent(pathname));
  try {
    if (fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.accessSync(file);
    return file;
  } catch {
    return path.join(dir, '404.html');
  }
}
