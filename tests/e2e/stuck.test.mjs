// Ways the page could get stuck, tried as a careless or hostile visitor would, on the CPU path:
// a sandboxed course page with an opaque origin, a model file that is broken or stops
// arriving, Generate clicked as a run starts, and a link that names a large run's steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { SHOTS, freePort, generate, openPage, serveAndBrowse, shot, sleep } from './harness.mjs';

const env = serveAndBrowse();

/** The frame of `page` whose address starts with `prefix`, once it exists. */
async function frameAt(page, prefix) {
  for (let i = 0; i < 600; i++) {
    const frame = page.frames().find((f) => f.url().startsWith(prefix));
    if (frame) return frame;
    await sleep(100);
  }
  throw new Error(`no frame at ${prefix}`);
}

const modelLine = (page) => page.textContent('#model-info');

test('a sandboxed course page (opaque origin, no storage) embeds a demo, and the demo generates', async () => {
  const context = await env.browser.newContext({ locale: 'es-ES' });
  const page = await context.newPage();
  const demo = `${env.server.url}?embed=1#v=2&data=refranes&len=20&seed=3`;
  // The host is itself a sandboxed frame without allow-same-origin, as learning platforms and
  // notebooks show embedded content: its origin, and the demo's inside it, are opaque.
  await page.setContent(
    `<iframe sandbox="allow-scripts" width="1200" height="1000" srcdoc='<iframe src="${demo}" width="1150" height="950"></iframe>'></iframe>`,
  );
  const frame = await frameAt(page, env.server.url);
  await frame.waitForFunction(
    () => document.getElementById('generate')?.disabled === false || !document.getElementById('error').hidden,
    null,
    {
      timeout: 120_000,
    },
  );
  assert.ok(await frame.isHidden('#error'), await frame.textContent('#error'));
  assert.equal(await frame.evaluate(() => self.origin), 'null', 'the demo runs in an opaque origin');
  const storage = await frame.evaluate(() => {
    try {
      sessionStorage.getItem('x');
      return 'allowed';
    } catch {
      return 'denied';
    }
  });
  assert.equal(storage, 'denied');
  const text = await generate(frame);
  assert.equal(text.length, 20, text);
  // Not a full-page shot: resizing the host's page for it blanks the nested frames.
  await page.screenshot({ path: `${SHOTS}/cpu-sandboxed-host.png` });
  await context.close();
});

test('a broken model file is said where its download was announced, and Try again loads it', async () => {
  const junk = Buffer.alloc(4096, 7);
  let broken = true;
  const prepare = (page) =>
    page.route('**/assets/models/refranes.bpk', (route) =>
      broken ? route.fulfill({ contentType: 'application/octet-stream', body: junk }) : route.continue(),
    );
  const context = await env.browser.newContext({ locale: 'es-ES' });
  const page = await context.newPage();
  await prepare(page);
  await page.goto(`${env.server.url}?backend=cpu#v=2&data=refranes&len=20`);
  await page.waitForSelector('#model-info .retry-load', { timeout: 60_000 });
  assert.match(await modelLine(page), /^No se pudo cargar el modelo: .+Reintentar$/);
  assert.doesNotMatch(await modelLine(page), /Descargando/);
  assert.ok(await page.isVisible('#error'), 'the error box says it too');
  assert.ok(await page.isDisabled('#generate'));
  await shot(page, 'cpu-model-broken');
  broken = false;
  await page.click('#model-info .retry-load');
  await page.waitForFunction(() => !document.getElementById('generate').disabled, null, { timeout: 60_000 });
  assert.match(await modelLine(page), /preentrenado en «Refranes/);
  assert.ok(await page.isHidden('#error'), 'the stale error is gone');
  assert.equal((await generate(page)).length, 20);
  await context.close();
});

test('a server that stops sending in the middle of a model file ends in a message, not a spinner', async () => {
  // A server that answers everything as ours does, but sends only the first 4 KB of the model
  // and then holds the connection open.
  const held = [];
  const port = await freePort();
  const staller = createServer(async (req, res) => {
    if (req.url.endsWith('/assets/models/refranes.bpk')) {
      const bytes = readFileSync('web/assets/models/refranes.bpk');
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': bytes.length });
      res.write(bytes.subarray(0, 4096));
      held.push(res);
      return;
    }
    const upstream = await fetch(new URL(req.url, env.server.url));
    const headers = {};
    for (const name of ['content-type', 'content-security-policy']) headers[name] = upstream.headers.get(name);
    res.writeHead(upstream.status, headers);
    res.end(Buffer.from(await upstream.arrayBuffer()));
  }).listen(port, '127.0.0.1');
  try {
    const context = await env.browser.newContext({ locale: 'es-ES' });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/?backend=cpu#v=2&data=refranes`);
    await page.waitForSelector('#model-info .retry-load', { timeout: 60_000 });
    assert.match(await modelLine(page), /el servidor dejó de enviar «assets\/models\/refranes\.bpk» \(20 s sin datos\)/);
    await shot(page, 'cpu-model-stalled');
    await context.close();
  } finally {
    for (const res of held) res.destroy();
    staller.close();
  }
});

test('Generate clicked as a run starts is either unavailable, saying why, or writes; after Pause it always writes', async () => {
  const page = await openPage(env.browser, `${env.server.url}?backend=cpu#v=1&steps=3000&len=30`);
  await page.waitForFunction(() => !document.getElementById('generate').disabled, null, { timeout: 60_000 });
  for (const gap of [0, 30, 150, 600]) {
    const written = await page.evaluate(() => Number(document.body.dataset.generated || 0));
    await page.click('#train');
    if (gap) await sleep(gap);
    // Clicked as a person clicks: at once, whether or not the button is enabled.
    const accepted = await page.$eval('#generate', (button) => {
      const enabled = !button.disabled;
      button.click();
      return enabled;
    });
    if (!accepted) {
      assert.ok(await page.isVisible('#gen-busy'), `gap ${gap} ms: the reason is shown`);
      assert.match(await page.textContent('#gen-busy'), /pulsa Pausa/);
    }
    // A clicked Generate pauses the run: text comes without Pause.
    if (accepted) await page.waitForFunction((n) => Number(document.body.dataset.generated || 0) > n, written, { timeout: 60_000 });
    if (!(await page.isDisabled('#pause'))) await page.click('#pause');
    await page.waitForFunction(() => !document.getElementById('generate').disabled, null, { timeout: 60_000 });
    assert.ok(await page.isHidden('#gen-busy'));
    const text = await generate(page);
    assert.equal(text.length, 30, `gap ${gap} ms`);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a link that names a large run and trained steps says what it is doing, and Pause leaves a usable page', async () => {
  const page = await openPage(env.browser, `${env.server.url}?backend=cpu#v=1&size=small&ctx=999999999&batch=999999999&trained=5&len=20`);
  const notices = await page.textContent('#notice-list');
  assert.match(notices, /256/);
  assert.match(notices, /91/);
  // Once the run's session is open, the status says that training runs (not "downloading").
  await page.waitForFunction(() => /Entrenando|Paso/.test(document.getElementById('train-status').textContent), null, {
    timeout: 60_000,
  });
  await shot(page, 'cpu-large-replay');
  await page.click('#pause');
  assert.match(await page.textContent('#train-status'), /Pausando/);
  await page.waitForFunction(() => !document.getElementById('generate').disabled, null, { timeout: 300_000 });
  assert.equal((await generate(page)).length, 20);
  await page.context().close();
});
