// What serving the page takes, whoever serves it: tools/serve.mjs applies it, and
// tools/dist.mjs writes it into the static folder (gzip twins, host configuration files).

// Files worth compressing: text, the wasm, weights and the image records (MNIST's 7.9 MB
// become 1.6 MB).
export const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.txt', '.md', '.wasm', '.bpk', '.bin', '.svg']);

// What the page needs and no more: its own scripts (and compiling its wasm), its own styles
// and files, canvases read back as data URLs, and a worker started from a blob where the page
// has an opaque origin (app.js). No `style-src 'unsafe-inline'`: the page sets styles through
// the CSSOM only; the one `<style>` allowed is the rule abcjs puts in every score it draws (no
// text selection while a note is dragged), by its hash (abcjs 6.7.2; the tune test fails if
// a new version changes it). No `frame-ancestors`: any site may frame it (teachers embed a view), and
// `frame-ancestors *` would refuse the hosts with an opaque origin (a sandboxed course frame,
// a `srcdoc` or `data:` page), which '*' does not match.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'sha256-BCpnf71gZdCsSCHDzyB1RsBbZ0qQdqseK6v+yJsgg30='",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

// RDKit's MinimalLib (the molecules' drawings and checks) builds its JavaScript bindings with
// `new Function` (Emscripten's embind), which only 'unsafe-eval' allows. It runs alone in its
// own worker — no DOM, no page state, it answers with text and SVG that the page shows as
// images — and only that worker's script is sent this policy; the page keeps the one above.
export const EVAL_WORKER = 'chem_worker.js';
export const EVAL_WORKER_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
].join('; ');
/** The policy for the file at `path` (relative to the site's root). */
export const policyFor = (path) => (path === EVAL_WORKER ? EVAL_WORKER_POLICY : CONTENT_SECURITY_POLICY);

// A page framed by a sandboxed host has an opaque origin ("null"): its scripts, modules, wasm
// and data are then cross-origin requests, which the browser completes only when the server
// allows any origin. The files are public; no cookie or credential goes with them.
export const CORS_HEADERS = { 'Access-Control-Allow-Origin': '*' };
