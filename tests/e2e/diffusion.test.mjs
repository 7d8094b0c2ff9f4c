// The diffusion view as a student uses it, on the CPU path and on the WebGPU path (SwiftShader).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyLink, launch, openPage, setControl, shot, startServer, train, trainingCost } from './harness.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

const view = (hash) => `${server.url}?backend=cpu#v=1&view=diffusion&${hash}`;
const grid = (page) =>
  page.$eval('#samples', (c) => ({ t: Number(c.dataset.t), position: Number(c.dataset.position), checksum: c.dataset.checksum }));

async function stepOnce(page) {
  const before = await page.evaluate(() => Number(document.body.dataset.stepped || 0));
  await page.click('#step-denoise');
  await page.waitForFunction((n) => Number(document.body.dataset.stepped || 0) > n, before, { timeout: 300_000 });
}

/** Type `word` (if given), click Generate and wait until the grid is denoised and judged. */
async function generateImages(page, word) {
  if (word !== undefined) await page.fill('#class', word);
  const before = await page.evaluate(() => Number(document.body.dataset.denoised || 0));
  await page.click('#generate');
  await page.waitForFunction((n) => Number(document.body.dataset.denoised || 0) > n, before, { timeout: 300_000 });
}

describe('CPU path', () => {
  let browser;
  before(async () => {
    browser = await launch({ gpu: false });
  });
  after(() => browser.close());

  test('loads the pretrained model; Step lowers t by one and changes the images; the slider scrubs back', async () => {
    const page = await openPage(browser, view('dsteps=1000&count=4'));
    // The page is ready before its model: the model arrives in the background.
    await page.waitForFunction(() => /preentrenado en «Dígitos \(MNIST\)»/.test(document.getElementById('diff-model').textContent));
    await stepOnce(page);
    const first = await grid(page);
    assert.deepEqual([first.t, first.position], [998, 1]);
    assert.match(
      await page.textContent('#step-speed'),
      /^Último paso: \d+ ms para 4 muestras\. Coste de la trayectoria hasta aquí: [\d,]+·10\S+ operaciones \(FLOP\), [\d,]+·10\S+ por imagen\.$/,
    );
    const oneStep = Number(await page.$eval('#step-speed', (e) => e.dataset.flops));
    assert.ok(oneStep > 0);
    await stepOnce(page);
    // Every step runs the same U-Net over the same four samples.
    assert.equal(Number(await page.$eval('#step-speed', (e) => e.dataset.flops)), 2 * oneStep);
    const second = await grid(page);
    assert.deepEqual([second.t, second.position], [997, 2]);
    assert.notEqual(second.checksum, first.checksum, 'the images changed');
    await page.fill('#t-slider', '0');
    await page.dispatchEvent('#t-slider', 'input');
    const start = await grid(page);
    assert.deepEqual([start.t, start.position], [999, 0]);
    assert.notEqual(start.checksum, second.checksum);
    await page.fill('#t-slider', '2');
    await page.dispatchEvent('#t-slider', 'input');
    assert.equal((await grid(page)).checksum, second.checksum, 'scrubbing forward shows the same step again');
    await page.click('#samples', { position: { x: 100, y: 10 } }); // the second sample
    await shot(page, 'cpu-diffusion-stepped');
  });

  test("the view opens with the link's grid denoised, which the slider scrubs; Generate draws the same grid", async () => {
    const link = view('dsteps=8&count=4&seed=3');
    const clean = () => page.waitForFunction(() => Number(document.getElementById('samples').dataset.t) < 0, null, { timeout: 120_000 });
    let page = await openPage(browser, link);
    await clean();
    const first = await grid(page);
    assert.equal(first.position, 8);
    assert.equal(await page.$eval('#t-slider', (s) => s.max), '8');
    assert.match(await page.textContent('#judge-verdict'), /El juez/);
    await shot(page, 'cpu-diffusion-first-grid');
    await page.fill('#t-slider', '0');
    await page.dispatchEvent('#t-slider', 'input');
    assert.deepEqual(await grid(page).then((g) => [g.t, g.position]), [999, 0]);
    await generateImages(page);
    assert.equal((await grid(page)).checksum, first.checksum, 'the same seed and settings');
    await page.context().close();
    page = await openPage(browser, link);
    await clean();
    assert.equal((await grid(page)).checksum, first.checksum, 'the same link, the same grid');
    await page.context().close();
  });

  // A word in each data set: the shipped digits model and the clothes model (another size).
  for (const { data, word, label } of [
    { data: 'mnist', word: 'siete', label: 7 },
    { data: 'fashion', word: 'vestido', label: 3 },
  ]) {
    test(`"${word}" gives images the judge labels ${label} at least 7 times out of 10`, async () => {
      const page = await openPage(browser, view(`idata=${data}&dsteps=10&count=10&seed=3`));
      await generateImages(page, word);
      const { asked, seen } = JSON.parse(await page.evaluate(() => document.body.dataset.judged));
      assert.deepEqual(asked, Array(10).fill(label));
      const hits = seen.filter((c) => c === label).length;
      assert.ok(hits >= 7, `judge saw ${seen}`);
      assert.match(await page.textContent('#judge-verdict'), /El juez/);
      assert.match(page.url(), new RegExp(`class=${word}`));
      await shot(page, `cpu-diffusion-${word}`);
    });
  }

  test('an unknown word lists the accepted ones, in the page language', async () => {
    const page = await openPage(browser, view('idata=fashion'));
    await page.fill('#class', 'gato');
    await page.click('#generate');
    await page.waitForFunction(() => document.getElementById('diff-message').textContent.length > 0);
    const message = await page.textContent('#diff-message');
    assert.match(message, /No conozco «gato»/);
    assert.match(message, /vestido/);
    await shot(page, 'cpu-diffusion-unknown-word');
  });

  test('a copied link reproduces the same images in a new page', async () => {
    const page = await openPage(browser, view('dsteps=4&count=6'));
    await setControl(page, 'seed', '77');
    await generateImages(page, 'zero');
    const first = await grid(page);
    const link = await copyLink(page);
    assert.match(link, /view=diffusion/, link);
    assert.match(link, /seed=77/);
    const again = await openPage(browser, link.replace('?', '?backend=cpu&'));
    assert.equal(await again.inputValue('#class'), 'zero', `${link} -> ${again.url()}`);
    await generateImages(again);
    assert.equal((await grid(again)).checksum, first.checksum);
  });

  test('the forward process noises a real image as t grows', async () => {
    const page = await openPage(browser, view(''));
    await page.click('#forward summary');
    await page.waitForFunction(() => document.getElementById('fwd-status').textContent.includes('x_t ='), null, { timeout: 60_000 });
    await page.fill('#fwd-t', '999');
    await page.dispatchEvent('#fwd-t', 'input');
    await page.waitForFunction(() => document.getElementById('fwd-status').textContent.startsWith('x_t = 0,0'), null, { timeout: 60_000 });
    await shot(page, 'cpu-diffusion-forward');
  });

  test('training steps in the page lower the loss and show previews', async () => {
    const page = await openPage(browser, view('steps=12&batch=8&tseed=5'));
    await train(page);
    const losses = JSON.parse(await page.$eval('#loss-chart', (c) => c.dataset.losses));
    // Chunks are sized by time, so their count depends on the machine: compare the first and
    // last few chunk means.
    assert.ok(losses.length >= 2, `loss ${losses}`);
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const third = Math.max(1, Math.floor(losses.length / 3));
    assert.ok(mean(losses.slice(-third)) < mean(losses.slice(0, third)), `loss ${losses}`);
    assert.match(await page.textContent('#train-status'), /Paso 12 de 12/);
    const cost = await trainingCost(page);
    assert.ok(cost.shown && cost.flops > 0, JSON.stringify(cost));
    assert.match(cost.text, /^Coste: [\d,]+·10\S+ operaciones \(FLOP\) por paso × 12 pasos = /);
    assert.equal(await page.$eval('#preview', (c) => c.dataset.step), '12');
    assert.match(page.url(), /trained=12/);
    await shot(page, 'cpu-diffusion-trained');
  });
});

describe('WebGPU path (SwiftShader)', () => {
  let browser;
  before(async () => {
    browser = await launch({ gpu: true });
  });
  after(() => browser.close());

  test('one denoising step on the GPU', async () => {
    const page = await openPage(browser, `${server.url}?backend=webgpu#v=1&view=diffusion&dsteps=1000&count=2&lang=en`);
    assert.match(await page.textContent('#backend'), /WebGPU/);
    await stepOnce(page);
    assert.deepEqual(await grid(page).then((g) => [g.t, g.position]), [998, 1]);
    await shot(page, 'webgpu-diffusion-step');
  });
});
