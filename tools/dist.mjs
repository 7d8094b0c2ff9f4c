// `node tools/dist.mjs [web] [dist]`: the self-contained static folder a teacher copies to any
// static host or a university web server — the page, the worker, the wasm's two builds (web/pkg, web/pkg-cpu), the
// models and data, a gzip copy beside every compressible file (for hosts that serve
// precompressed files), the headers for hosts that read them from a file (`_headers`,
// `.htaccess`) and HOSTING.md. Nothing in it needs a build step or a server of our own.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { COMPRESSIBLE, CONTENT_SECURITY_POLICY as policy, CORS_HEADERS, EVAL_WORKER, EVAL_WORKER_POLICY } from './serving.mjs';

const [source = 'web', target = 'dist'] = process.argv.slice(2);
// Left behind: TypeScript declarations wasm-bindgen writes beside the glue.
const SKIP = /\.d\.ts$/;

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (!SKIP.test(entry.name)) yield path;
  }
}

// Both builds of the wasm (web/worker.js loads one).
for (const build of ['pkg', 'pkg-cpu']) {
  if (!statSync(join(source, build, 'iagen_web_bg.wasm'), { throwIfNoEntry: false })) {
    throw new Error(`${source}/${build} has no wasm: run \`just wasm\` first`);
  }
}
const cors = Object.entries(CORS_HEADERS);
rmSync(target, { recursive: true, force: true });
let count = 0;
let bytes = 0;
for (const path of files(source)) {
  const out = join(target, relative(source, path));
  mkdirSync(join(out, '..'), { recursive: true });
  copyFileSync(path, out);
  count += 1;
  bytes += statSync(path).size;
  if (COMPRESSIBLE.has(extname(path))) writeFileSync(`${out}.gz`, gzipSync(readFileSync(path), { level: 6 }));
}
writeFileSync(
  join(target, '_headers'),
  // The molecule worker's rule drops the page's policy first (`!`, Cloudflare Pages) and sets its own.
  `/*\n  Content-Security-Policy: ${policy}\n  X-Content-Type-Options: nosniff\n${cors.map(([k, v]) => `  ${k}: ${v}\n`).join('')}/*.wasm\n  Content-Type: application/wasm\n/${EVAL_WORKER}\n  ! Content-Security-Policy\n  Content-Security-Policy: ${EVAL_WORKER_POLICY}\n`,
);
writeFileSync(
  join(target, '.htaccess'),
  [
    'AddType application/wasm .wasm',
    'AddType text/javascript .js',
    'AddType application/octet-stream .bpk',
    `Header set Content-Security-Policy "${policy}"`,
    'Header set X-Content-Type-Options nosniff',
    ...cors.map(([k, v]) => `Header set ${k} "${v}"`),
    // Its gzip twin too, where a rewrite serves the precompressed files.
    `<FilesMatch "^${EVAL_WORKER.replace('.', '\\.')}(\\.gz)?$">`,
    `  Header set Content-Security-Policy "${EVAL_WORKER_POLICY}"`,
    '</FilesMatch>',
    '',
  ].join('\n'),
);
copyFileSync('HOSTING.md', join(target, 'HOSTING.md'));
console.log(`${target}/: ${count} files, ${(bytes / 1e6).toFixed(1)} MB, with gzip copies, _headers, .htaccess and HOSTING.md`);
