// The VAE view as a student uses it, on the CPU path and on the WebGPU path (SwiftShader).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  copyLink,
  data,
  hoverMap,
  launch,
  openPage,
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

const view = (hash, backend = 'cpu') => `${server.url}?backend=${backend}#v=2&view=vae&${hash}`;
const counter = (page, name) => page.evaluate((n) => Number(document.body.dataset[n] || 0), name);

/** Open the view and wait until the map, the input and the prior samples are drawn. */
async function openVae(browser, hash, backend) {
  const page = await openPage(browser, view(hash, backend));
  await waitCounter(page, 'vaeRefreshed', 0);
  return page;
}

/** Draw a stroke through `points` (fractions of the pad) and wait for the drawing to be encoded. */
async function drawStroke(page, points) {
  const before = await counter(page, 'encoded');
  // Pointer events land only on what is on screen: a student scrolls to the pad first.
  await page.locator('#pad').scrollIntoViewIfNeeded();
  const box = await page.locator('#pad').boundingBox();
  const at = ([fx, fy]) => [box.x + fx * box.width, box.y + fy * box.height];
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 4 });
  await page.mouse.up();
  await waitCounter(page, 'encoded', before);
}

function suite(backend) {
  describe(`${backend} path`, () => {
    let browser;
    before(async () => {
      browser = await launch({ gpu: backend === 'webgpu' });
    });
    after(() => browser.close());

    test('the map and the grid are drawn; hovering decodes the point under the pointer', async () => {
      const page = await openVae(browser, '', backend);
      assert.match(await page.textContent('#vae-model'), /preentrenado en «Dígitos \(MNIST\)»/);
      assert.equal(await data(page, 'map', 'points'), '1000', 'every held-out image of the map is a point');
      assert.ok(Number(await page.$eval('#grid', (c) => c.width)) > 400, 'the grid of decoded images is drawn');
      // The decoder of 2 → 512 → 512 → 784: 2 · (2 · 512 + 512 · 512 + 512 · 784) per image.
      assert.equal(await data(page, 'prior-cost', 'flops'), String(100 * 1329152));
      assert.equal(
        await page.textContent('#prior-cost'),
        'Decodificar estas 100 muestras: 1,3·10⁸ operaciones (FLOP), 1,3·10⁶ por imagen (una pasada del decodificador).',
      );
      const a = await hoverMap(page, 0.2, 0.2);
      const b = await hoverMap(page, 0.8, 0.8);
      assert.notEqual(a, b, 'a different point decodes to a different image');
      assert.equal(await hoverMap(page, 0.2, 0.2), a, 'the same point decodes to the same image');
      assert.match(await page.textContent('#hover-z'), /z = \(−1[.,]80, 1[.,]80\)/);
      assert.match(await page.textContent('#map-legend'), /cero|0/);
      await shot(page, `${backend}-vae-map`);
      assert.deepEqual(page.errors, []);
    });

    test('a drawn digit is encoded, placed and reconstructed; ε drawn again changes the strip; interpolation renders frames', async () => {
      const page = await openVae(browser, 'to=3', backend);
      const pickedRecon = await data(page, 'in-recon', 'checksum');
      // A "1": one vertical stroke down the middle.
      await drawStroke(page, [
        [0.5, 0.15],
        [0.5, 0.85],
      ]);
      assert.notEqual(await data(page, 'in-recon', 'checksum'), pickedRecon, 'the drawing replaced the picked image');
      assert.match(await page.textContent('#in-verdict'), /El juez .* ve: «.+» en la entrada y «.+» en la reconstrucción/);
      assert.match(await page.textContent('#equation'), /z1 = μ1 \+ σ1·ε1 = .+\nz2 = μ2/);
      const strip = await data(page, 'eps-strip', 'checksum');
      const equation = await page.textContent('#equation');
      const before = await counter(page, 'epsDrawn');
      await page.click('#redraw');
      await waitCounter(page, 'epsDrawn', before);
      assert.notEqual(await data(page, 'eps-strip', 'checksum'), strip, 'new ε, new decodes');
      assert.notEqual(await page.textContent('#equation'), equation);
      assert.equal(await data(page, 'interp-strip', 'frames'), '10');
      await shot(page, `${backend}-vae-drawn`);
      assert.deepEqual(page.errors, []);
    });

    test('20 training steps lower the loss, both halves are plotted, the map redraws', async () => {
      const page = await openVae(browser, 'steps=20&batch=32&lr=0.003', backend);
      await train(page);
      await waitRefreshedAt(page, 20);
      const status = await page.textContent('#train-status');
      assert.match(status, /Paso 20 de 20/);
      assert.match(status, /reconstrucción \d+,\d \+ KL \d+,\d\d = \d+,\d nats por imagen/);
      const cost = await trainingCost(page);
      assert.ok(cost.shown && cost.flops > 0, JSON.stringify(cost));
      assert.match(cost.text, /por paso × 20 pasos = /);
      const losses = JSON.parse(await data(page, 'loss-chart', 'losses'));
      assert.ok(losses.length >= 2, `chunks plotted: ${losses}`);
      assert.ok(losses.at(-1) < losses[0], `the negative ELBO fell: ${losses}`);
      assert.ok(Number(await data(page, 'grid', 'step')) > 0, 'the grid was redrawn while training');
      const kl = JSON.parse(await data(page, 'kl-bars', 'kl'));
      assert.equal(kl.length, 2, 'one KL bar per latent dimension');
      assert.match(page.url(), /trained=20/);
      await shot(page, `${backend}-vae-trained`);
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

  test('a copied link reproduces the same decoded images on the CPU', async () => {
    const page = await openVae(browser, 'steps=10&tseed=7&seed=5&pick=12');
    await train(page);
    await waitRefreshedAt(page, 10);
    const prior = await data(page, 'prior', 'checksum');
    const recon = await data(page, 'in-recon', 'checksum');
    const link = await copyLink(page);
    assert.match(link, /trained=10/);
    const again = await openPage(browser, link.replace('#', '?backend=cpu#'));
    await waitRefreshedAt(again, 10);
    assert.equal(await data(again, 'prior', 'checksum'), prior, 'the same prior samples');
    assert.equal(await data(again, 'in-recon', 'checksum'), recon, 'the same reconstruction');
  });

  test('bad VAE link values get the notice and safe values', async () => {
    const page = await openVae(browser, 'latent=999&beta=abc&pick=-4');
    const notices = await page.textContent('#notice-list');
    assert.match(notices, /latent/);
    assert.match(notices, /beta/);
    assert.match(notices, /pick/);
    assert.equal(await page.inputValue('#latent'), '16');
    assert.equal(await page.inputValue('#beta'), '1');
    await shot(page, 'cpu-vae-bad-link');
  });

  test('a latent size without a shipped model says so and trains one', async () => {
    const page = await openPage(browser, view('latent=3&steps=10'));
    await page.waitForFunction(() => /No hay modelo preentrenado con 3/.test(document.getElementById('vae-model').textContent));
    await train(page);
    await waitRefreshedAt(page, 10);
    assert.equal(JSON.parse(await data(page, 'kl-bars', 'kl')).length, 3);
    assert.match(await page.textContent('#map-help'), /3 dimensiones/);
  });

  test('posterior collapse: β = 30 trains a fresh model whose KL bars fall to 0', async () => {
    const page = await openVae(browser, 'steps=300');
    await page.click('#collapse');
    await waitRefreshedAt(page, 300);
    assert.match(page.url(), /beta=30/);
    assert.ok(await page.isVisible('#collapse-help'));
    const kl = JSON.parse(await data(page, 'kl-bars', 'kl'));
    assert.ok(kl[0] + kl[1] < 0.3, `the code holds (almost) nothing: KL per dimension ${kl}`);
    await shot(page, 'cpu-vae-collapse');
  });

  test('an error clears when the next action succeeds', async () => {
    // The images for the map fail to arrive once: the page says so; sampling then works.
    let failed = false;
    const prepare = (page) =>
      page.route('**/assets/data/mnist.bin', (route) => {
        if (failed) return route.continue();
        failed = true;
        return route.fulfill({ status: 503, body: 'busy' });
      });
    const page = await openPage(browser, view(''), { prepare });
    await page.waitForSelector('#error:not([hidden])');
    assert.match(await page.textContent('#error'), /Algo falló.*mnist\.bin: HTTP 503/);
    await page.click('#sample');
    await page.waitForFunction(() => document.getElementById('prior').dataset.checksum);
    assert.ok(await page.isHidden('#error'), 'the error box cleared');
  });

  test('embedded, in English', async () => {
    const page = await openPage(browser, `${server.url}?embed=1&backend=cpu#v=2&view=vae&lang=en&idata=fashion`);
    await waitCounter(page, 'vaeRefreshed', 0);
    assert.match(await page.textContent('#vae-model'), /pretrained on “Clothes/);
    assert.match(await page.textContent('#in-verdict'), /The judge/);
    await shot(page, 'cpu-vae-embed-en');
  });
});
