// The static folder a teacher copies (`tools/dist.mjs`), served by a plain static server with
// no headers of ours, embedded in a course page on another site inside a sandboxed frame.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, launch, shot } from './harness.mjs';

let dist;
let statics;
let course;
let browser;
before(async () => {
  dist = join(mkdtempSync(join(tmpdir(), 'iagen-dist-')), 'dist');
  const built = spawnSync('node', ['tools/dist.mjs', 'web', dist], { encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  const port = await freePort();
  statics = spawn('python3', ['-m', 'http.server', '--bind', '127.0.0.1', '--directory', dist, String(port)], { stdio: 'ignore' });
  await waitForServer(`http://127.0.0.1:${port}/`);
  statics.url = `http://127.0.0.1:${port}/`;
  // The course site: another host name, so the frame is cross-site.
  const coursePort = await freePort();
  const frame = (backend) => `${statics.url}?embed=1${backend}#v=2&view=ganimg&class=tres`;
  // `/gpu` frames the page on WebGPU (SwiftShader, which the page passes over unless asked), `/` on the CPU.
  course = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><h1>Curso de IA generativa</h1>
      <iframe src="${frame(req.url === '/gpu' ? '&backend=webgpu' : '&backend=cpu')}" width="1000" height="900" sandbox="allow-scripts allow-same-origin"></iframe>`);
  }).listen(coursePort, 'localhost');
  course.url = `http://localhost:${coursePort}/`;
  browser = await launch({ gpu: false });
});
after(async () => {
  await browser?.close();
  statics?.kill();
  course?.close();
});

async function waitForServer(url) {
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(url)
        .then((r) => r.ok)
        .catch(() => false)
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

test('the folder holds the page, its wasm, gzip twins and the host configuration', () => {
  for (const file of [
    'index.html',
    'worker.js',
    'pkg/iagen_web_bg.wasm',
    'pkg/iagen_web_bg.wasm.gz',
    'pkg-cpu/iagen_web_bg.wasm',
    'pkg-cpu/iagen_web_bg.wasm.gz',
    'assets/models/gan-mnist.bpk',
    '_headers',
    '.htaccess',
    'HOSTING.md',
  ])
    assert.ok(existsSync(join(dist, file)), file);
});

for (const gpu of [false, true])
  test(`served by a plain static server, framed and sandboxed by a course page on another site that denies storage, a view works (${gpu ? 'WebGPU' : 'CPU'})`, async () => {
    const engine = gpu ? await launch({ gpu: true }) : browser;
    const context = await engine.newContext({ locale: 'es-ES', viewport: { width: 1100, height: 1000 } });
    // In every frame: storage throws, as on a locked-down course platform.
    await context.addInitScript(() => {
      for (const name of ['sessionStorage', 'localStorage'])
        Object.defineProperty(window, name, {
          get() {
            throw new DOMException('denied', 'SecurityError');
          },
        });
    });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (err) => errors.push(String(err)));
    await page.goto(gpu ? `${course.url}gpu` : course.url);
    const frame = page.frames().find((f) => f.url().startsWith(statics.url));
    assert.ok(frame, 'the view is framed');
    await frame.waitForFunction(() => Number(document.body.dataset.ganimgRefreshed || 0) > 0, null, { timeout: 300_000 });
    assert.equal(await frame.evaluate(() => document.body.dataset.backend), gpu ? 'webgpu' : 'cpu');
    assert.match(await frame.textContent('#gi-model'), /GAN preentrenada en Dígitos \(MNIST\)/);
    assert.ok(await frame.isHidden('#error'));
    assert.ok(await frame.evaluate(() => document.body.classList.contains('embed')));
    await shot(page, `${gpu ? 'webgpu' : 'cpu'}-dist-embedded`);
    assert.deepEqual(errors, []);
    await context.close();
    if (gpu) await engine.close();
  });
