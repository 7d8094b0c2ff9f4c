// The pixel GPT view as a student uses it (CPU path): a digit written pixel by pixel with each
// pixel's probabilities, stepped, played and scrubbed; a link that writes the same digit; the
// guidance towards the digit asked for; a word the page does not know.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openPage, serveAndBrowse, shot } from './harness.mjs';

const env = serveAndBrowse();
const view = (hash) => `${env.server.url}?backend=cpu#v=2&view=pixelgpt&${hash}`;
const digit = (page) => page.$eval('#digit', (c) => ({ position: Number(c.dataset.position), pixels: c.dataset.pixels }));
const counter = (page, name) => page.evaluate((n) => Number(document.body.dataset[n] || 0), name);
async function waitCount(page, name, above) {
  await page.waitForFunction(([n, a]) => Number(document.body.dataset[n] || 0) > a, [name, above], { timeout: 120_000 });
}
/** The link's digit, written on arrival. */
async function firstDigit(page) {
  await waitCount(page, 'written', 0);
  return digit(page);
}
const barShares = (page) =>
  page.$$eval('#bars .pct', (pcts) => pcts.map((p) => Number(p.textContent.replace(/[ %]/g, '').replace(',', '.'))));

test('writes the asked digit pixel by pixel: each pixel with its four probabilities, scrubbed back, stepped and played', async () => {
  const page = await openPage(env.browser, view('class=siete&seed=5'));
  const written = await firstDigit(page);
  assert.match(await page.textContent('#pix-model'), /GPT de píxeles, [\d.]+ parámetros, [\d.]+ pasos de entrenamiento/);
  assert.equal(written.position, 196);
  assert.match(written.pixels, /^[ .+#]{196}$/);
  // The judge reads the finished digit; the page says what was asked.
  assert.match(
    await page.textContent('#pix-verdict'),
    /^El juez \(un clasificador independiente\) lee un \d con un \d+ % de seguridad; se pidió un 7\.$/,
  );
  assert.match(
    await page.textContent('#pix-bars-help'),
    /^Píxel 196 \(fila 14, columna 14\): eligió (negro|gris oscuro|gris claro|blanco), que tenía una probabilidad del [\d,]+ %\.$/,
  );
  // Four greys, their probabilities a distribution; the one drawn is marked.
  const shares = await barShares(page);
  assert.equal(shares.length, 4);
  assert.ok(Math.abs(shares.reduce((a, b) => a + b, 0) - 100) < 0.5, String(shares));
  assert.equal(await page.$$eval('#bars .bar.chosen', (b) => b.length), 1);
  await shot(page, 'cpu-pixelgpt-written');
  // Scrubbing back shows the digit as it was and the pixel written then.
  await page.fill('#pos-slider', '50');
  await page.dispatchEvent('#pos-slider', 'input');
  const back = await digit(page);
  assert.deepEqual([back.position, back.pixels], [50, written.pixels.slice(0, 50)]);
  assert.match(await page.textContent('#pix-bars-help'), /^Píxel 50 \(fila 4, columna 8\)/);
  assert.equal(await page.textContent('#pix-verdict'), '', 'no verdict on a half-written digit');
  await shot(page, 'cpu-pixelgpt-scrubbed');
  // With the digit finished, One pixel starts the next digit (the same link: the same pixels).
  let stepped = await counter(page, 'stepped');
  await page.click('#step-pixel');
  await waitCount(page, 'stepped', stepped);
  assert.deepEqual(await digit(page), { position: 1, pixels: written.pixels.slice(0, 1) });
  stepped = await counter(page, 'stepped');
  await page.click('#step-pixel');
  await waitCount(page, 'stepped', stepped);
  assert.deepEqual(await digit(page), { position: 2, pixels: written.pixels.slice(0, 2) });
  assert.match(
    await page.textContent('#pix-speed'),
    /^[\d,]+ ms por píxel \(2 píxeles\)\. Coste hasta aquí: [\d,]+·10\S+ operaciones \(FLOP\), [\d,]+·10\S+ por píxel\.$/,
  );
  // Play writes the rest, the pixels already written kept.
  await page.fill('#speed', '200');
  const plays = await counter(page, 'written');
  await page.click('#play');
  await waitCount(page, 'written', plays);
  assert.deepEqual(await digit(page), written);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a link writes the same digit again; another seed another; guidance another, at twice the cost; an unknown word is said, in English too', async () => {
  const page = await openPage(env.browser, view('class=3&seed=11&temp=1'));
  const first = await firstDigit(page);
  await page.goto('about:blank');
  await page.goto(view('class=3&seed=11&temp=1'));
  assert.deepEqual(await firstDigit(page), first, 'the link reproduces the digit');
  await page.goto('about:blank');
  await page.goto(view('class=3&seed=12&temp=1'));
  assert.notEqual((await firstDigit(page)).pixels, first.pixels, 'another seed, another digit');
  // A digit half written with one seed is not finished with another: the next pixel starts anew.
  for (const expected of [1, 2]) {
    const stepped = await counter(page, 'stepped');
    await page.click('#step-pixel');
    await waitCount(page, 'stepped', stepped);
    assert.equal((await digit(page)).position, expected);
  }
  await page.fill('#seed', '13');
  await page.dispatchEvent('#seed', 'change');
  await page.waitForURL(/seed=13/);
  const stepped = await counter(page, 'stepped');
  await page.click('#step-pixel');
  await waitCount(page, 'stepped', stepped);
  assert.equal((await digit(page)).position, 1);
  // Asking for no digit is allowed; a word that names none is refused, the digit kept.
  const shown = await digit(page);
  await page.fill('#class', 'dragón');
  await page.click('#generate');
  await page.waitForFunction(() => /No conozco «dragón»/.test(document.getElementById('pix-message').textContent));
  assert.deepEqual(await digit(page), shown);
  // Guidance towards the digit (2 unless the link says): another guidance, another digit, and
  // twice the operations of one reading; with no digit asked for, nothing to guide.
  await page.goto('about:blank');
  await page.goto(view('class=3&seed=11&temp=1&guide=1'));
  const unguided = await firstDigit(page);
  assert.notEqual(unguided.pixels, first.pixels, 'guidance 1 writes another digit than 2');
  assert.equal(await page.textContent('#guide-value'), '1,0');
  const flops = await page.$eval('#pix-speed', (p) => Number(p.dataset.flops));
  await page.goto('about:blank');
  await page.goto(view('class=3&seed=11&temp=1'));
  assert.deepEqual(await firstDigit(page), first);
  const guidedFlops = await page.$eval('#pix-speed', (p) => Number(p.dataset.flops));
  assert.ok(Math.abs(guidedFlops / flops - 2) < 0.05, `${guidedFlops} / ${flops}`);
  await page.goto('about:blank');
  await page.goto(view('lang=en&seed=3&guide=8'));
  const free = await firstDigit(page);
  // The slider shows the link's guidance, all of its range.
  assert.deepEqual([await page.inputValue('#guide'), await page.textContent('#guide-value')], ['8', '8.0']);
  await page.goto('about:blank');
  await page.goto(view('lang=en&seed=3'));
  assert.deepEqual(await firstDigit(page), free, 'no digit asked for: guidance changes nothing');
  assert.match(
    await page.textContent('#pix-verdict'),
    /^The judge \(an independent classifier\) reads it as \d, \d+ % sure; no digit was asked for\.$/,
  );
  assert.match(await page.textContent('#pos-label'), /^Pixel 196 of 196$/);
  await shot(page, 'cpu-pixelgpt-english');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});
