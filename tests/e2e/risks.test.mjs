// The GPT view's risk experiments, on the CPU path. ¿Copia o inventa?: a model trained on a few
// proverbs copies them and the page marks it; the shipped Shakespeare model copies no more than
// new text does. Sesgo: the words a model favours are those its data favours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyLink, generate, openPage, shot, serveAndBrowse, train } from './harness.mjs';

const env = serveAndBrowse();

const copied = (page) =>
  page.$eval('#copies-status', (s) => ({
    share: Number(s.dataset.share),
    longest: Number(s.dataset.longest),
    runs: Number(s.dataset.runs),
    heldShare: Number(s.dataset.heldShare),
  }));

test('a model trained on 30 proverbs recites them: the copies are marked, counted and traced to the corpus', async () => {
  const page = await openPage(env.browser, `${env.server.url}?backend=cpu#v=2&data=refranes&lines=30&steps=400&lr=0.01&len=200&seed=3`);
  assert.equal(await page.inputValue('#lines'), '30');
  await train(page);
  await page.click('#find-copies');
  await page.waitForFunction(() => document.getElementById('copies-status').textContent.length > 0);
  assert.match(await page.textContent('#copies-status'), /Genera un texto primero/);
  assert.match(page.url(), /copies=1/);
  // With the check on, each generation is checked as soon as it is written.
  const text = await generate(page);
  const { share, longest, runs, heldShare } = await copied(page);
  assert.ok(share > 0.5, `only ${share} of the text copied`);
  // The three held-out proverbs share little with the 27 trained on: the copies are memory.
  assert.ok(share > heldShare + 0.3, `${share} copied, ${heldShare} by coincidence`);
  assert.ok(longest >= 20, `longest copy ${longest}`);
  const marks = await page.$$eval('#copies-text mark.copied', (m) => m.map((e) => e.textContent));
  assert.equal(marks.length, runs);
  assert.equal(await page.textContent('#copies-text'), text);
  assert.match(await page.textContent('#copies-status'), /^El \d+ % de los caracteres generados está en copias de 12 caracteres o más/);
  // A click on a mark shows the proverb it comes from, among the 30 trained on.
  await page.click('#copies-text mark.copied');
  await page.waitForSelector('#copies-passage:not([hidden])');
  const source = await page.textContent('#copies-passage mark.copied');
  assert.ok(
    marks.some((m) => m.startsWith(source) || source.startsWith(m)),
    `${source} is not one of the marks`,
  );
  assert.match(await page.textContent('#copies-passage'), /En el texto de entrenamiento, a partir del carácter \d+ de \d+:/);
  await shot(page, 'cpu-copies-30-proverbs');
  // A longer shortest copy counts less of the text as copied.
  await page.fill('#copymin', '40');
  await page.dispatchEvent('#copymin', 'change');
  await page.waitForFunction(() => document.getElementById('copies-status').textContent.includes('copias de 40'));
  assert.ok((await copied(page)).share < share);
  assert.match(await copyLink(page), /copymin=40/);
  assert.deepEqual(page.errors, []);
});

test('the shipped Shakespeare model copies no more than new Shakespeare text does by coincidence', async () => {
  const page = await openPage(env.browser, `${env.server.url}?backend=cpu#v=2&data=shakespeare&copies=1&len=300&seed=1&lang=en`);
  await page.waitForFunction(() => !document.getElementById('generate').disabled, null, { timeout: 120_000 });
  await generate(page);
  // Runs of 12 characters are two or three words, common in 4.5 million characters of English:
  // held-out Shakespeare has as many (MODELS.md). No run is a memorised passage.
  const { share, longest, heldShare } = await copied(page);
  assert.ok(share < heldShare + 0.15, `${share} copied, ${heldShare} by coincidence`);
  assert.ok(longest < 40, `longest copy ${longest}`);
  assert.match(await page.textContent('#copies-status'), /among 4[,.]\d{3}[,.]\d{3} training characters/);
  await shot(page, 'cpu-copies-shakespeare');
  assert.deepEqual(page.errors, []);
});

test('Sesgo: the sayings say «hombre» five times as often as «mujer», and so does the default model trained on them', async () => {
  const page = await openPage(env.browser, `${env.server.url}?backend=cpu#v=2&seed=1`);
  await page.waitForFunction(() => !document.getElementById('compare-words').disabled);
  assert.equal(await page.inputValue('#bwords'), 'mujer, hombre, rey, reina');
  await page.click('#compare-words');
  await page.waitForFunction(() => Number(document.body.dataset.biasCompared || 0) > 0, null, { timeout: 120_000 });
  const { training, generated } = JSON.parse(await page.$eval('#word-rates', (e) => e.dataset.rates));
  // 80 «mujer» and 402 «hombre» in the 781 143 training characters, per 10 000 characters.
  assert.ok(Math.abs(training[0] - 1.02) < 0.01 && Math.abs(training[1] - 5.15) < 0.01, `training ${training}`);
  assert.ok(generated[1] > 2 * generated[0], `generated ${generated}`);
  assert.equal(await page.locator('#word-rates .bar').count(), 8);
  assert.match(
    await page.textContent('#bias-status'),
    /^Veces por cada 10\.000 caracteres, en el texto de entrenamiento y en 10\.000 caracteres generados/,
  );
  await shot(page, 'cpu-bias-words');
  // Other words, kept in the link.
  await page.fill('#bwords', 'amor, dinero');
  await page.dispatchEvent('#bwords', 'change');
  await page.click('#compare-words');
  await page.waitForFunction(() => Number(document.body.dataset.biasCompared || 0) > 1, null, { timeout: 120_000 });
  assert.equal(await page.locator('#word-rates .bar').count(), 4);
  assert.match(await copyLink(page), /bwords=amor/);
  assert.deepEqual(page.errors, []);
});
