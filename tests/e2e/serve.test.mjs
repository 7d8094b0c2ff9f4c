// The development server as a hostile visitor meets it: nothing outside its folder, no error
// text echoed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './harness.mjs';

let server;
before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'iagen-serve-'));
  mkdirSync(join(dir, 'web'));
  mkdirSync(join(dir, 'web-x'));
  writeFileSync(join(dir, 'web', 'index.html'), '<p>page</p>');
  writeFileSync(join(dir, 'web-x', 'secret.txt'), 'secret');
  server = await startServer(join(dir, 'web'));
});
after(() => server.stop());

/** GET `path` exactly as written (no client-side normalisation): {status, body}. */
const raw = (path) =>
  new Promise((resolve, reject) => {
    get(new URL(server.url), { path }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject);
  });

test('serves its folder and nothing beside it, even a folder whose name begins the same', async () => {
  assert.equal((await raw('/')).body, '<p>page</p>');
  for (const path of ['/..%2fweb-x/secret.txt', '/..%2f..%2fetc/passwd', '/missing.js']) {
    const { status, body } = await raw(path);
    assert.equal(status, 404, path);
    assert.doesNotMatch(body, /secret|root:/, path);
  }
});

test('a malformed address gets a plain status, not the error text', async () => {
  const { status, body } = await raw('/%E0%A4%A');
  assert.equal(status, 400);
  assert.doesNotMatch(body, /URIError|at /);
});
