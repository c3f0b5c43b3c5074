// A static file server that behaves like a CDN serving dist/: exact files, `dir/` → `dir/index.html`,
// anything else → 404.html with status 404, and the site's `_headers` rules applied the way
// Netlify and Cloudflare Pages apply them (every matching rule; a header set twice is joined).
// Binds to 127.0.0.1 only. No SPA fallback on purpose: deep links must work because the build
// wrote a file for every route.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webmanifest': 'application/manifest+json',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
};

/** The rules of `root/_headers`, if any: [path pattern as a RegExp, [[name, value]…]]. */
function headerRules(root) {
  const file = path.join(root, '_headers');
  if (!fs.existsSync(file)) return [];
  const rules = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    if (/^\s/.test(line)) {
      const colon = line.indexOf(':');
      rules.at(-1)[1].push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
    } else {
      const pattern = line.trim().split('*').map((part) => part.replace(/[.?+^$()[\]{}|\\]/g, '\\$&')).join('.*');
      rules.push([new RegExp(`^${pattern}$`), []]);
    }
  }
  return rules;
}

/** The headers `_headers` gives `pathname`; no-cache when it sets no caching. */
function headersFor(rules, pathname) {
  const headers = {};
  for (const [pattern, pairs] of rules) {
    if (!pattern.test(pathname)) continue;
    for (const [name, value] of pairs) headers[name] = headers[name] ? `${headers[name]}, ${value}` : value;
  }
  headers['cache-control'] ??= 'no-cache';
  return headers;
}

/**
 * Starts serving `root`; resolves to { url, close, requests } once listening. `log` hears each
 * answer as `status content-type path`. With `prefix` (`/blog`), the folder is served under that
 * path, as a host serves a site in a sub-folder; anything outside it is not found. Paths under one
 * of the `bare` prefixes (`['/bench/']`) are served without the `_headers` rules: pages a tool
 * adds beside the site, which the site's own policy is not written for. With `compress`, bodies are
 * sent brotli-compressed (quality 11, as a CDN stores them) to a client that accepts it, else
 * gzip; each file is compressed once.
 */
export function serve(root, { port = 0, log, prefix = '', bare = [], compress = false } = {}) {
  const requests = [];
  const rules = headerRules(root);
  const compressed = new Map();
  const encode = (file, body, accepts) => {
    const encoding = /\bbr\b/.test(accepts) ? 'br' : /\bgzip\b/.test(accepts) ? 'gzip' : null;
    if (!encoding || body.length < 256) return [body, null];
    const key = `${encoding} ${file}`;
    if (!compressed.has(key)) {
      compressed.set(key, encoding === 'br'
        ? zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
        : zlib.gzipSync(body, { level: 9 }));
    }
    return [compressed.get(key), encoding];
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    requests.push(url.pathname);
    const inside = url.pathname === prefix || url.pathname.startsWith(prefix + '/');
    const relative = inside ? url.pathname.slice(prefix.length) || '/' : '/no file outside the prefix';
    let file = path.join(root, decodeURIComponent(relative));
    if (!file.startsWith(path.resolve(root))) {
      res.writeHead(403).end();
      return;
    }
    let status = 200;
    try {
      if (fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
      fs.accessSync(file);
    } catch {
      file = path.join(root, '404.html');
      status = 404;
    }
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    let body = fs.existsSync(file) ? fs.readFileSync(file) : Buffer.from('not found');
    const own = bare.some((p) => url.pathname.startsWith(p)) ? [] : rules;
    const headers = { ...headersFor(own, url.pathname), 'content-type': type };
    if (compress) {
      const [sent, encoding] = encode(file, body, String(req.headers['accept-encoding'] ?? ''));
      body = sent;
      if (encoding) headers['content-encoding'] = encoding;
      headers.vary = 'accept-encoding';
    }
    res.writeHead(status, headers);
    log?.(`${status} ${type} ${url.pathname}`);
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(done); }),
      });
    });
  });
}

// `node static-server.mjs DIR [PORT] [--log]` serves a folder by hand, or as a separate process
// a test can stop (`--log` prints each answer).
if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir = 'dist', port = '0'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const log = process.argv.includes('--log') ? (line) => console.log(line) : undefined;
  const { url } = await serve(path.resolve(dir), { port: Number(port), log });
  console.log(`serving on ${url}`);
}
