// The image GAN view as a student uses it, on the CPU path and on the WebGPU path (SwiftShader).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  copyLink,
  data,
  launch,
  openPage,
  setControl,
  shot,
  startServer,
  train,
  trainingCost,
  waitCounter,
  waitRefreshedAt,
} from './harness.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

const view = (hash, backend = 'cpu') => `${server.url}?backend=${backend}#v=2&view=ganimg&${hash}`;

/** Open the view and wait until the grid, the interpolation, the meter and D(x) are drawn. */
async function openGan(browser, hash, backend) {
  const page = await openPage(browser, view(hash, backend));
  await waitCounter(page, 'ganimgRefreshed', 0);
  return page;
}

function suite(backend) {
  describe(`${backend} path`, () => {
    let browser;
    before(async () => {
      browser = await launch({ gpu: backend === 'webgpu' });
    });
    after(() => browser.close());

    test('the shipped GAN draws a grid, a word asks for a digit, two clicks walk between samples', async () => {
      const page = await openGan(browser, '', backend);
      assert.match(await page.textContent('#gi-model'), /GAN preentrenada en Dígitos \(MNIST\)/);
      const unconditional = await data(page, 'grid', 'checksum');
      const strip = await data(page, 'interp-strip', 'checksum');
      // The generator per image: the projection 48 → 3 136, then 64 → 32 channels from 7×7 and
      // 32 → 1 from 14×14 with 4×4 kernels: 2 · (48 · 3136 + 64 · 32 · 16 · 49 + 32 · 16 · 196).
      assert.equal(await data(page, 'grid-cost', 'flops'), String(64 * 3713024));
      assert.equal(
        await page.textContent('#grid-cost'),
        'Generar estas 64 imágenes: 2,4·10⁸ operaciones (FLOP), 3,7·10⁶ por imagen (una pasada del generador).',
      );
      // The meter and D(x) read the shipped model at once.
      const shares = JSON.parse(await data(page, 'meter', 'shares'));
      assert.equal(shares.length, 10);
      assert.ok(Math.abs(shares.reduce((a, b) => a + b, 0) - 1) < 0.01, `shares sum to 1: ${shares}`);
      assert.match(await page.textContent('#entropy'), /Entropía de las clases: \d,\d\d bits/);
      assert.match(await page.textContent('#dx-means'), /D\(x\) medio: reales \d,\d\d · generados \d,\d\d/);

      await page.fill('#class', 'siete');
      await page.press('#class', 'Enter');
      await page.waitForFunction((c) => document.getElementById('grid').dataset.checksum !== c, unconditional);
      assert.match(page.url(), /class=siete/);

      // Click sample 5 (A), then sample 20 (B): the strip walks between them.
      await page.locator('#grid').scrollIntoViewIfNeeded();
      const box = await page.locator('#grid').boundingBox();
      const cell = box.width / 16;
      const before = await data(page, 'interp-strip', 'checksum');
      await page.mouse.click(box.x + 5.5 * cell, box.y + 0.5 * cell);
      await page.waitForFunction(() => location.hash.includes('ia=5'));
      await page.mouse.click(box.x + 4.5 * cell, box.y + 1.5 * cell);
      await page.waitForFunction(() => location.hash.includes('ib=20'));
      await page.waitForFunction((c) => document.getElementById('interp-strip').dataset.checksum !== c, before);
      assert.notEqual(await data(page, 'interp-strip', 'checksum'), strip);
      await page.fill('#walk', '9');
      await page.dispatchEvent('#walk', 'input');
      assert.match(await page.textContent('#walk-label'), /t = 1[.,]00/);
      await shot(page, `${backend}-ganimg-grid`);

      // An unknown word is explained, in Spanish, with the words that work.
      await page.fill('#class', 'dragón');
      await page.press('#class', 'Enter');
      await page.waitForFunction(() => /No conozco «dragón»/.test(document.getElementById('gi-message').textContent));
      assert.match(await page.textContent('#gi-message'), /siete/);
      assert.deepEqual(page.errors, []);
    });

    test('fine-tuning plots both losses and the meter and D(x) update while it trains', async () => {
      const page = await openGan(browser, 'steps=6', backend);
      const shipped = await data(page, 'live-grid', 'checksum');
      await train(page);
      await page.waitForFunction(() => document.getElementById('live-grid').dataset.step === '6', null, { timeout: 300_000 });
      const status = await page.textContent('#train-status');
      assert.match(status, /Paso 6 de 6/);
      assert.match(status, /pérdida de D \d+,\d{3} · de G \d+,\d{3}/);
      const cost = await trainingCost(page);
      assert.ok(cost.shown && cost.flops > 0, JSON.stringify(cost));
      assert.match(cost.text, /por paso × 6 pasos = /);
      assert.notEqual(await data(page, 'live-grid', 'checksum'), shipped, 'the networks changed');
      assert.equal(await data(page, 'meter', 'step'), '6', 'the meter read the trained networks');
      assert.match(await page.textContent('#gi-model'), /entrenada aquí: 6 rondas desde la GAN preentrenada/);
      assert.match(page.url(), /trained=6/);
      await shot(page, `${backend}-ganimg-trained`);
      assert.deepEqual(page.errors, []);
    });
  });
}

suite('cpu');
suite('webgpu');

describe('links', () => {
  let browser;
  before(async () => {
    browser = await launch({ gpu: false });
  });
  after(() => browser.close());

  test('a copied link reproduces the grid and a fine-tuned run on the CPU', async () => {
    const page = await openGan(browser, 'seed=9&ia=3&ib=40&steps=4&tseed=5');
    await train(page);
    await waitRefreshedAt(page, 4);
    const grid = await data(page, 'grid', 'checksum');
    const strip = await data(page, 'interp-strip', 'checksum');
    const live = await data(page, 'live-grid', 'checksum');
    const link = await copyLink(page);
    assert.match(link, /trained=4/);
    const again = await openPage(browser, link.replace('#', '?backend=cpu#'));
    await waitRefreshedAt(again, 4);
    assert.equal(await data(again, 'grid', 'checksum'), grid, 'the same grid');
    assert.equal(await data(again, 'interp-strip', 'checksum'), strip, 'the same interpolation');
    assert.equal(await data(again, 'live-grid', 'checksum'), live, 'the same trained networks');
  });

  test('three rounds from random weights: the meter reads the collapse and warns', async () => {
    // From random weights the generator draws blobs the judge files under one or two digits:
    // the meter must say so, by name, below the 2 % line.
    const page = await openGan(browser, 'gstart=fresh&steps=3');
    await train(page);
    await page.waitForFunction(() => document.getElementById('meter').dataset.step === '3', null, { timeout: 300_000 });
    const low = JSON.parse(await data(page, 'meter-warning', 'low'));
    assert.ok(low.length >= 1, `some digits below 2 %: ${await data(page, 'meter', 'shares')}`);
    assert.match(await page.textContent('#meter-warning'), /Aviso: por debajo del 2 %/);
    assert.ok(Number(await data(page, 'entropy', 'entropy')) < 3, 'the entropy is far from its 3.32-bit maximum');
    await shot(page, 'cpu-ganimg-fresh');
  });

  test('bad link values get the notice and safe values', async () => {
    const page = await openGan(browser, 'ia=500&gstart=robot&lr=-1');
    const notices = await page.textContent('#notice-list');
    assert.match(notices, /ia/);
    assert.match(notices, /gstart/);
    assert.match(notices, /lr/);
    assert.equal(await page.inputValue('#ia'), '63');
    assert.equal(await page.inputValue('#gstart'), 'shipped');
  });

  test('clothes: the data menu opens the shipped clothes GAN, which draws what a word asks for', async () => {
    const page = await openPage(browser, view(''));
    await waitCounter(page, 'ganimgRefreshed', 0);
    const digits = await data(page, 'grid', 'checksum');
    await page.selectOption('#idata', 'fashion');
    await waitCounter(page, 'ganimgRefreshed', 1);
    assert.match(await page.textContent('#gi-model'), /GAN preentrenada en Ropa \(Fashion-MNIST\)/);
    assert.notEqual(await data(page, 'grid', 'checksum'), digits);
    assert.match(page.url(), /idata=fashion/);
    const unconditional = await data(page, 'grid', 'checksum');
    await page.fill('#class', 'zapatilla');
    await page.press('#class', 'Enter');
    await page.waitForFunction((c) => document.getElementById('grid').dataset.checksum !== c, unconditional);
    // The judge, asked in the quiz, sees clothes in the GAN's images.
    await page.click('#quiz-new');
    await waitCounter(page, 'quizBuilt', 0);
    assert.equal(await page.$$eval('#quiz-grid .quiz-cell', (c) => c.length), 10);
    await shot(page, 'cpu-ganimg-fashion');
    assert.deepEqual(page.errors, []);
  });

  test('embedded, in English', async () => {
    const page = await openPage(browser, `${server.url}?embed=1&backend=cpu#v=2&view=ganimg&lang=en&class=three`);
    await waitCounter(page, 'ganimgRefreshed', 0);
    assert.match(await page.textContent('#gi-model'), /GAN pretrained on Digits \(MNIST\)/);
    assert.match(await page.textContent('#entropy'), /Entropy of the classes/);
    await shot(page, 'cpu-ganimg-embed-en');
    await setControl(page, 'seed', 77);
    assert.deepEqual(page.errors, []);
  });
});
