// The 2-D GAN view as a student uses it, on the CPU path and on the WebGPU path (SwiftShader).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyLink, launch, openPage, shot, startServer, train, trainingCost } from './harness.mjs';

let server;
before(async () => {
  server = await startServer();
});
after(() => server.stop());

const view = (hash, backend = 'cpu') => `${server.url}?backend=${backend}#v=2&view=gan&${hash}`;
const plane = (page) => page.$eval('#plane', (c) => ({ ...c.dataset }));
const coverage = (page) => page.$eval('#coverage', (c) => ({ modes: Number(c.dataset.modes), within: Number(c.dataset.within) }));
/** Wait until the plane shows the networks after `steps` rounds. */
const waitStep = (page, steps) =>
  page.waitForFunction((n) => document.getElementById('plane').dataset.step === String(n), steps, { timeout: 300_000 });

async function openGan(browser, hash, backend) {
  const page = await openPage(browser, view(hash, backend));
  await page.waitForFunction(() => Number(document.body.dataset.snapshots || 0) > 0, null, { timeout: 120_000 });
  return page;
}

function suite(backend) {
  describe(`${backend} path`, () => {
    let browser;
    before(async () => {
      browser = await launch({ gpu: backend === 'webgpu' });
    });
    after(() => browser.close());

    test('training redraws the points, the heat map and the mesh, and the coverage updates', async () => {
      const steps = backend === 'cpu' ? 100 : 10;
      const page = await openGan(browser, `steps=${steps}`, backend);
      const before = await plane(page);
      assert.equal(before.step, '0');
      assert.match(await page.textContent('#coverage'), /Modos cubiertos: \d de 8/);
      await train(page);
      await waitStep(page, steps);
      const after = await plane(page);
      for (const key of ['checksum', 'field', 'mesh']) assert.notEqual(after[key], before[key], `${key} redrawn`);
      const losses = JSON.parse(await page.$eval('#loss-chart', (c) => c.dataset.losses));
      assert.ok(losses.length >= 1, 'D and G losses plotted');
      const js = JSON.parse(await page.$eval('#js-chart', (c) => c.dataset.losses));
      assert.ok(js.length >= 2, `the divergence is plotted: ${js}`);
      assert.match(page.url(), new RegExp(`trained=${steps}`));
      const cost = await trainingCost(page);
      assert.ok(cost.shown && cost.flops > 0, JSON.stringify(cost));
      assert.match(cost.text, new RegExp(`por paso × ${steps} pasos = `));
      await shot(page, `${backend}-gan-trained`);
      assert.deepEqual(page.errors, []);
    });
  });
}

suite('cpu');
suite('webgpu');

describe('the 2-D GAN on the CPU', () => {
  let browser;
  before(async () => {
    browser = await launch({ gpu: false });
  });
  after(() => browser.close());

  test('the default recipe covers the ring of 8; the collapse preset collapses; the fix recovers', async () => {
    const page = await openGan(browser, '');
    await train(page);
    await waitStep(page, 1500);
    const covered = await coverage(page);
    assert.equal(covered.modes, 8, JSON.stringify(covered));
    assert.ok(covered.within >= 0.7, JSON.stringify(covered));
    await shot(page, 'cpu-gan-ring');

    await train(page, '#collapse');
    assert.match(page.url(), /glr=0.005/);
    await waitStep(page, 1500);
    const collapsed = await coverage(page);
    assert.ok(collapsed.modes <= 3, `collapsed: ${JSON.stringify(collapsed)}`);
    assert.ok(await page.isVisible('#collapse-help'));
    await shot(page, 'cpu-gan-collapsed');

    await train(page, '#fix');
    assert.doesNotMatch(page.url(), /glr=/);
    await waitStep(page, 1500);
    assert.equal((await coverage(page)).modes, 8, 'the fix covers every mode again');
  });

  test('drawn points become the target', async () => {
    const page = await openGan(browser, 'steps=20');
    await page.click('#draw-mode');
    await page.locator('#plane').scrollIntoViewIfNeeded();
    const box = await page.locator('#plane').boundingBox();
    // A short stroke in the upper right quarter.
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.85, box.y + box.height * 0.3, { steps: 10 });
    await page.mouse.up();
    const snapshots = await page.evaluate(() => Number(document.body.dataset.snapshots));
    await page.click('#use-drawn');
    await page.waitForFunction((n) => Number(document.body.dataset.snapshots) > n, snapshots);
    assert.match(await page.textContent('#gan-model'), /objetivo: tus puntos/);
    // The real points are now drawn from the stroke, in the upper right of the plane.
    const [x, y] = JSON.parse((await plane(page)).realMean);
    assert.ok(x > 0.8 && x < 2 && y > 0.8 && y < 1.7, `real points centred at ${x}, ${y}`);
    await train(page);
    await waitStep(page, 20);
    await shot(page, 'cpu-gan-drawn');
  });

  test('a slow round highlights each network in turn', async () => {
    const page = await openGan(browser, '');
    await page.click('#slow');
    await page.waitForFunction(() => document.getElementById('net-d').classList.contains('active'));
    assert.match(await page.textContent('#phase'), /discriminador/);
    await page.waitForFunction(() => document.getElementById('net-g').classList.contains('active'));
    await page.waitForFunction(() => Number(document.body.dataset.slowRounds || 0) > 0);
    assert.equal(await page.textContent('#phase'), '');
  });

  test('a copied link reproduces the run on the CPU', async () => {
    const page = await openGan(browser, 'steps=40&tseed=5&target=moons&loss=hinge');
    await train(page);
    await waitStep(page, 40);
    const shown = await plane(page);
    const link = await copyLink(page);
    assert.match(link, /trained=40/);
    const again = await openPage(browser, link.replace('#', '?backend=cpu#'));
    await waitStep(again, 40);
    const replayed = await plane(again);
    assert.equal(replayed.checksum, shown.checksum, 'the same generated points');
    assert.equal(replayed.field, shown.field, "the same discriminator's verdict");
  });

  test('bad GAN link values get the notice and safe values', async () => {
    const page = await openGan(browser, 'glayers=9&loss=magic&glr=-1');
    const notices = await page.textContent('#notice-list');
    for (const key of ['glayers', 'loss', 'glr']) assert.match(notices, new RegExp(key));
    assert.equal(await page.inputValue('#glayers'), '4');
    assert.equal(await page.inputValue('#loss'), 'ns');
  });
});
