// The page shell, whatever the family: the navigation comes from web/families.js, a tab
// opens its family's view and keeps the experiment in the link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FAMILIES } from '../../web/families.js';
import { generate, openPage, setControl, shot, serveAndBrowse, waitReady } from './harness.mjs';

const env = serveAndBrowse();

test('one tab per registered family, named in Spanish, and a tab opens its view', async () => {
  const page = await openPage(env.browser, `${env.server.url}?backend=cpu#v=1&seed=5`);
  const tabs = await page.$$eval('#views button', (buttons) =>
    buttons.map((b) => [b.dataset.view, b.textContent, b.getAttribute('aria-pressed')]),
  );
  assert.deepEqual(
    tabs.map(([id]) => id),
    FAMILIES.map((f) => f.id),
  );
  assert.deepEqual(tabs[0], ['lessons', 'Lecciones', 'false']);
  assert.deepEqual(tabs[1], ['gpt', 'Mini GPT', 'true']);
  assert.ok(
    tabs.every(([, label]) => label.length > 0 && !label.startsWith('view.')),
    JSON.stringify(tabs),
  );
  const reloaded = page.waitForEvent('load');
  await page.click('#views button[data-view="diffusion"]');
  await reloaded;
  await waitReady(page);
  assert.equal(await page.evaluate(() => document.body.dataset.view), 'diffusion');
  assert.match(page.url(), /view=diffusion/);
  assert.match(page.url(), /seed=5/);
  assert.equal(await page.getAttribute('#views button[data-view="diffusion"]', 'aria-pressed'), 'true');
  await shot(page, 'cpu-shell-diffusion-tab');
  // A view's own defaults win over another view's: the GAN's batch is 128, not the GPT's 16.
  const toGan = page.waitForEvent('load');
  await page.click('#views button[data-view="gan"]');
  await toGan;
  await waitReady(page);
  assert.equal(await page.inputValue('#batch'), '128');
  assert.doesNotMatch(page.url(), /batch=/);
});

test('the page works where the browser denies storage (a locked-down course site)', async () => {
  const prepare = (page) =>
    page.addInitScript(() => {
      Object.defineProperty(window, 'sessionStorage', {
        get() {
          throw new DOMException('denied', 'SecurityError');
        },
      });
    });
  const page = await openPage(env.browser, `${env.server.url}?backend=cpu#v=2&data=refranes`, { prepare });
  await page.waitForFunction(() => !document.getElementById('generate').disabled);
  assert.equal(await page.isHidden('#error'), true);
});

test('every view runs under the strict Content-Security-Policy the server sends', async () => {
  const response = await fetch(env.server.url);
  const policy = response.headers.get('content-security-policy');
  assert.match(policy, /default-src 'self'/);
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval'(;|$)/, 'no inline or eval-ed scripts');
  assert.doesNotMatch(policy, /unsafe-inline/);
  const prepare = (page) =>
    page.addInitScript(() => {
      window.violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
  for (const { id } of FAMILIES) {
    const page = await openPage(env.browser, `${env.server.url}?backend=cpu#v=2&view=${id}`, { prepare });
    // Each view's first drawing (a model, or a fresh run) has had time to load and render.
    await page.waitForTimeout(3000);
    assert.deepEqual(await page.evaluate(() => window.violations), [], `view ${id}`);
    assert.deepEqual(page.errors, [], `view ${id}`);
    await page.context().close();
  }
});

/** A page whose `path` answers 404; returns the text of the error box once it shows. */
async function errorWhenMissing(path) {
  const context = await env.browser.newContext({ locale: 'es-ES' });
  const page = await context.newPage();
  await page.route(`**/${path}`, (route) => route.fulfill({ status: 404, body: 'not found' }));
  await page.goto(`${env.server.url}?backend=cpu`);
  await page.waitForSelector('#error:not([hidden])', { timeout: 30_000 });
  const text = await page.textContent('#error');
  await shot(page, `cpu-missing-${path.replace(/\W/g, '-')}`);
  await context.close();
  return text;
}

test('a missing worker, wasm or language file ends in a message, not a page that waits forever', async () => {
  assert.match(await errorWhenMissing('worker.js'), /El motor de cálculo no arrancó o se detuvo/);
  // The CPU path (`?backend=cpu`) loads the CPU-only build.
  assert.match(await errorWhenMissing('pkg-cpu/iagen_web_bg.wasm'), /Algo falló: .*404.*iagen_web_bg\.wasm/);
  // Without its language file the page still explains, in Spanish with the English beside it.
  assert.match(await errorWhenMissing('i18n/es.json'), /Algo falló \/ Something failed: i18n\/es\.json: HTTP 404/);
});

/** A page at `hash` on the CPU (with `prepare(page)` before it loads), once its error box shows. */
async function pageWithError(hash, prepare) {
  const context = await env.browser.newContext({ locale: 'es-ES' });
  const page = await context.newPage();
  await prepare?.(page);
  await page.goto(`${env.server.url}?backend=cpu#${hash}`);
  await page.waitForSelector('#error:not([hidden])', { timeout: 240_000 });
  return page;
}

test('a link whose run would not fit in the browser memory gets a smaller batch, said in a notice, and trains', async () => {
  // A small GPT with a context of 256 and batches of 128 needs over 4 GiB: it used to trap the
  // engine. The codec lowers the batch to the largest that fits, with the same rule that refuses
  // such a run when it starts.
  const page = await openPage(env.browser, `${env.server.url}?backend=cpu#v=2&size=small&ctx=256&batch=128&steps=1&trained=1`);
  const notices = await page.textContent('#notice-list');
  assert.match(notices, /«batch=128» no cabe en la memoria del navegador con este tamaño de modelo y este contexto; usamos (\d+)/);
  const used = Number(/usamos (\d+)/.exec(notices)[1]);
  assert.ok(used > 1 && used < 128, `batch ${used}`);
  assert.equal(await page.inputValue('#batch'), String(used));
  await page.waitForFunction(() => /Paso 1 de 1/.test(document.getElementById('train-status').textContent), null, { timeout: 300_000 });
  assert.ok(await page.isHidden('#error'), 'the engine did not stop');
  // Asking for the batch again from the controls is lowered the same way.
  await page.fill('#batch', '128');
  await page.dispatchEvent('#batch', 'change');
  await page.waitForFunction((b) => location.hash.includes(`batch=${b}`), used);
  await page.waitForFunction((b) => document.getElementById('batch').value === String(b), used);
  await shot(page, 'cpu-over-budget');
  await page.context().close();
});

test('a model whose manifest disagrees with its weights is refused with a reason; another model still works', async () => {
  const manifest = JSON.parse(readFileSync('web/assets/models/frases.json', 'utf8'));
  manifest.vocab = manifest.vocab.slice(0, 40); // the weights still have 91 rows
  const page = await pageWithError('v=2', (p) =>
    p.route('**/assets/models/frases.json', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify(manifest) })),
  );
  assert.match(await page.textContent('#error'), /Algo falló: the manifest's vocabulary has 40 characters but the model has 91/);
  await setControl(page, 'data', 'refranes');
  await page.waitForFunction(() => !document.getElementById('generate').disabled);
  const text = await generate(page, { prompt: 'A quien', len: 20 });
  assert.equal(text.length, 20);
  assert.ok(await page.isHidden('#error'), 'the error cleared');
  await page.context().close();
});

test('markup in a translation is shown as text, never run', async () => {
  const es = JSON.parse(readFileSync('web/i18n/es.json', 'utf8'));
  es['gen.output.empty'] = '<img src=x onerror="document.body.dataset.pwned=1">Vacío';
  es['view.gpt'] = '<b>Mini GPT</b>';
  const prepare = (page) =>
    page.route('**/i18n/es.json', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify(es) }));
  // A data set without a shipped model: no first sample replaces the placeholder.
  const page = await openPage(env.browser, `${env.server.url}?backend=cpu#v=2&data=palabras`, { prepare });
  await page.waitForFunction(() => document.querySelector('#output .placeholder'));
  assert.equal(await page.textContent('#output .placeholder'), es['gen.output.empty']);
  assert.equal(await page.textContent('#views button[data-view="gpt"]'), '<b>Mini GPT</b>');
  assert.equal(await page.locator('#output img, #views b').count(), 0, 'no element came from a string');
  assert.equal(await page.evaluate(() => document.body.dataset.pwned), undefined);
  await page.context().close();
});
