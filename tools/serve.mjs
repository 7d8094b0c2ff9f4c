// Static server for web/ on 127.0.0.1 (WebGPU needs a secure context: localhost counts).
// Compresses text, JSON and wasm with gzip when the browser accepts it, as a real host should
// (on zlib's thread pool, once per file version: never blocking other requests; level 6, as level 9
// took 27 s on the molecules' fingerprints for 4 % fewer bytes).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { COMPRESSIBLE, CORS_HEADERS, policyFor } from './serving.mjs';

const gzip = promisify(gzipCallback);

const root = resolve(process.argv[2] || 'web');
const port = Number(process.env.PORT || 8080);
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.wasm': 'application/wasm',
  '.bpk': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};
const gzCache = new Map(); // path -> {mtime, body: a promise of the packed bytes}

async function body(path, info, packed) {
  if (!packed) return readFile(path);
  const cached = gzCache.get(path);
  if (cached && cached.mtime === info.mtimeMs) return cached.body;
  const body = readFile(path).then((raw) => gzip(raw, { level: 6 }));
  gzCache.set(path, { mtime: info.mtimeMs, body });
  return body;
}

const fail = (status, text) => Object.assign(new Error(text), { status });

createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://localhost');
    let decoded;
    try {
      decoded = decodeURIComponent(url.pathname);
    } catch {
      throw fail(400, 'bad request');
    }
    let path = normalize(join(root, decoded));
    // Inside the root folder, not merely a path that begins like it (`web-x/`).
    if (path !== root && !path.startsWith(root + sep)) throw fail(404, 'not found');
    let info = await stat(path).catch(() => {
      throw fail(404, 'not found');
    });
    if (info.isDirectory()) {
      path = join(path, 'index.html');
      info = await stat(path).catch(() => {
        throw fail(404, 'not found');
      });
    }
    const ext = extname(path);
    const packed = COMPRESSIBLE.has(ext) && /\bgzip\b/.test(req.headers['accept-encoding'] || '');
    const data = await body(path, info, packed);
    res.writeHead(200, {
      'Content-Type': types[ext] || 'application/octet-stream',
      'Content-Length': data.length,
      'Cache-Control': 'no-cache',
      'Content-Security-Policy': policyFor(relative(root, path).split(sep).join('/')),
      'X-Content-Type-Options': 'nosniff',
      ...CORS_HEADERS,
      ...(packed ? { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' } : {}),
    });
    res.end(data);
  } catch (err) {
    // The visitor learns the status, never the server's error text (that goes to its log).
    if (!err.status) console.error(err);
    res.writeHead(err.status || 500, { 'Content-Type': 'text/plain' });
    res.end(err.status ? err.message : 'server error');
  }
}).listen(port, '127.0.0.1', () => {
  console.log(`IAGen Playground: http://127.0.0.1:${port}/`);
});
