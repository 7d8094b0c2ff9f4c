// Static server for web/ on 127.0.0.1 (WebGPU needs a secure context: localhost counts).
// Compresses text, JSON and wasm with gzip when the browser accepts it, as a real host should.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

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
const compressible = new Set(['.html', '.js', '.mjs', '.css', '.json', '.txt', '.md', '.wasm', '.bpk', '.svg']);
const gzCache = new Map(); // path -> {mtime, body}

async function body(path, info, gzip) {
  const raw = await readFile(path);
  if (!gzip) return raw;
  const cached = gzCache.get(path);
  if (cached && cached.mtime === info.mtimeMs) return cached.body;
  const packed = gzipSync(raw, { level: 9 });
  gzCache.set(path, { mtime: info.mtimeMs, body: packed });
  return packed;
}

createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://localhost');
    let path = normalize(join(root, decodeURIComponent(url.pathname)));
    if (!path.startsWith(root)) throw Object.assign(new Error('outside root'), { code: 'ENOENT' });
    let info = await stat(path);
    if (info.isDirectory()) {
      path = join(path, 'index.html');
      info = await stat(path);
    }
    const ext = extname(path);
    const gzip = compressible.has(ext) && /\bgzip\b/.test(req.headers['accept-encoding'] || '');
    const data = await body(path, info, gzip);
    res.writeHead(200, {
      'Content-Type': types[ext] || 'application/octet-stream',
      'Content-Length': data.length,
      'Cache-Control': 'no-cache',
      ...(gzip ? { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' } : {}),
    });
    res.end(data);
  } catch (err) {
    res.writeHead(err.code === 'ENOENT' ? 404 : 500, { 'Content-Type': 'text/plain' });
    res.end(err.code === 'ENOENT' ? 'not found' : String(err));
  }
}).listen(port, '127.0.0.1', () => {
  console.log(`IAGen Playground: http://127.0.0.1:${port}/`);
});
