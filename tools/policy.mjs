// The headers the page needs from whatever serves it: tools/serve.mjs sends them, and
// tools/dist.mjs writes them into the host configuration files of the static folder.
// What the page needs and no more: its own scripts (and compiling its wasm), its own styles
// and files, canvases read back as data URLs; any site may frame it (teachers embed a view).
// No `style-src 'unsafe-inline'`: the page sets styles through the CSSOM only.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  'frame-ancestors *',
].join('; ');
