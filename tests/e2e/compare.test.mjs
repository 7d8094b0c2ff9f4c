// "Cuatro familias, una tarea" as a student uses it (CPU path, few samples): the four families
// asked for the same digit, their grids, the table and chart filled with what was measured in
// the page; the same link measures the same again; a long comparison can be cancelled; a word
// the page does not know is said.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openPage, serveAndBrowse, shot } from './harness.mjs';

const env = serveAndBrowse();
const view = (hash) => `${env.server.url}?backend=cpu#v=2&view=compare&${hash}`;
const FAMILIES = ['pixelgpt', 'diffusion', 'vae', 'ganimg'];

async function compared(page, outcome) {
  await page.waitForFunction((o) => document.body.dataset.compared === o, outcome, { timeout: 300_000 });
}
/** The table as {family: {column: text}}. */
const table = (page) =>
  page.$$eval('#table tr[data-family]', (rows) =>
    Object.fromEntries(
      rows.map((tr) => [
        tr.dataset.family,
        Object.fromEntries(
          [...tr.querySelectorAll('td')].map((td) => [td.dataset.col, td.querySelector('canvas')?.dataset.shares ?? td.textContent]),
        ),
      ]),
    ),
  );
const number = (text) => Number(text.replace(/[ %]/g, '').replace(/\./g, '').replace(',', '.'));

test('asks the four families for the same digit and fills the table and the chart with what it measured; the link repeats it', async () => {
  const link = view('class=siete&cmpn=20&dsteps=4&seed=3');
  const page = await openPage(env.browser, link);
  assert.match(await page.textContent('#cmp-status'), /^Pulsa Comparar/);
  assert.match(await page.textContent('#table'), /Aún no hay medidas/);
  await page.click('#compare');
  await page.waitForFunction(() => document.querySelector('#cancel').disabled === false);
  await compared(page, 'done');
  assert.equal(await page.textContent('#cmp-status'), 'Hecho: 20 muestras por familia y medida.');
  const first = await table(page);
  assert.deepEqual(Object.keys(first), [...FAMILIES, 'real']);
  for (const family of FAMILIES) {
    const row = first[family];
    assert.ok(number(row.params) > 10_000, `${family} params ${row.params}`);
    assert.ok(number(row.ms) > 0, `${family} ms ${row.ms}`);
    assert.match(row.flops, /·10/);
    const shares = row.shares.split(',').map(Number);
    assert.equal(shares.length, 10);
    assert.ok(Math.abs(shares.reduce((a, b) => a + b, 0) - 1) < 0.01, row.shares);
    const entropy = number(row.entropy);
    assert.ok(entropy >= 0 && entropy <= 3.33, `${family} entropy ${row.entropy}`);
    assert.ok(number(row.frechet) > 0, `${family} FD ${row.frechet}`);
    assert.ok(number(row.nearest) > 0, `${family} nearest ${row.nearest}`);
    const top = number(row.top);
    assert.ok(top > 10 && top <= 100, `${family} top ${row.top}`);
  }
  // The VAE cannot be asked for a digit; the others are scored as asked.
  assert.equal(first.vae.asked, '—');
  for (const family of ['pixelgpt', 'diffusion', 'ganimg']) assert.match(first[family].asked, /^\d+(,\d)? %$/);
  assert.ok(number(first.diffusion.asked) >= 50, `diffusion as asked ${first.diffusion.asked}`);
  // Real digits against themselves: no distance, nearness 1.
  assert.deepEqual([first.real.frechet, first.real.nearest], ['0,0', '1,00']);
  // Four grids drawn, the VAE's with its note; a dot per family on the chart.
  assert.deepEqual(await page.$$eval('.compare-card', (cards) => cards.map((c) => c.dataset.family)), FAMILIES);
  assert.match(await page.textContent('.compare-card[data-family="vae"] .help'), /no se le puede pedir un dígito/);
  const points = JSON.parse(await page.$eval('#chart', (c) => c.dataset.points));
  assert.deepEqual(
    points.map((p) => p[0]),
    FAMILIES,
  );
  await shot(page, 'cpu-compare-done');
  // The same link measures the same (all but the time).
  await page.goto('about:blank');
  await page.goto(link);
  await page.click('#compare');
  await compared(page, 'done');
  const again = await table(page);
  const withoutTime = (t) => Object.fromEntries(Object.entries(t).map(([k, row]) => [k, { ...row, ms: null }]));
  assert.deepEqual(withoutTime(again), withoutTime(first));
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a long comparison is cancelled; an unknown word is said, in English too', async () => {
  const page = await openPage(env.browser, view('cmpn=500'));
  await page.click('#compare');
  await page.waitForFunction(() => /de 500 muestras/.test(document.querySelector('#cmp-status').textContent), null, { timeout: 120_000 });
  await page.click('#cancel');
  await compared(page, 'cancelled');
  assert.equal(await page.textContent('#cmp-status'), 'Cancelado: la tabla muestra las familias que terminaron.');
  assert.equal(await page.$eval('#compare', (b) => b.disabled), false);
  assert.equal(await page.$$eval('#table tr[data-family]', (rows) => rows.length), 0);
  await shot(page, 'cpu-compare-cancelled');
  // A word it does not know: said, nothing measured.
  await page.fill('#class', 'dragón');
  await page.click('#compare');
  await page.waitForFunction(() => document.querySelector('#cmp-message').textContent !== '');
  assert.match(await page.textContent('#cmp-message'), /dragón/);
  await page.context().close();
  const english = await openPage(env.browser, `${view('class=dragon')}&lang=en`, { locale: 'en-US' });
  await english.click('#compare');
  await english.waitForFunction(() => document.querySelector('#cmp-message').textContent !== '');
  assert.match(await english.textContent('#cmp-message'), /dragon/);
  assert.match(await english.textContent('#cmp-status'), /^Press Compare/);
  await english.context().close();
});
