// The image views' risk experiments, on the CPU path. Sesgo: a VAE trained on digits where ones
// are 70 % makes mostly ones. ¿Copia o inventa?: generated images beside their nearest training
// images, and the distance chart against held-out images. ¿Real o generada?: the quiz scores
// answers and a link draws the same quiz. The cost meter compares a run with Stable Diffusion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  copyLink,
  data,
  openPage,
  serveAndBrowse,
  setControl,
  shot,
  train,
  trainingCost,
  waitCounter,
  waitRefreshedAt,
} from './harness.mjs';

const env = serveAndBrowse();

const shares = async (page) => {
  const counts = JSON.parse(await data(page, 'shares', 'shares'));
  const total = counts.reduce((a, b) => a + b, 0);
  return { generated: counts.map((c) => c / total), training: JSON.parse(await data(page, 'shares', 'training')) };
};

test('Sesgo: a VAE trained on digits that are 70 % ones makes mostly ones, and its link does it again', async () => {
  const page = await openPage(env.browser, `${env.server.url}?backend=cpu#v=2&view=vae&steps=300`);
  await waitRefreshedAt(page, 0);
  const shipped = await shares(page);
  // The shipped model trained on the data as it is: about a tenth each.
  assert.ok(Math.abs(shipped.training[1] - 0.11) < 0.01, `training shares ${shipped.training}`);
  await train(page, '#skew-preset');
  await waitRefreshedAt(page, 300);
  const skewed = await shares(page);
  assert.ok(Math.abs(skewed.training[1] - 0.7) < 0.005, `training shares ${skewed.training}`);
  // The samples follow the data: ones go from about a tenth to most of them.
  assert.ok(skewed.generated[1] > 0.45, `ones among the samples: ${skewed.generated[1]}`);
  assert.ok(skewed.generated[1] > shipped.generated[1] + 0.3, `${shipped.generated[1]} → ${skewed.generated[1]}`);
  assert.match(
    await page.textContent('#shares-status'),
    /^Sesgo: «uno» es el 70 % de las imágenes de entrenamiento y el \d+ % de las 200 muestras según el juez\.$/,
  );
  // The cost meter counts the run and sets Stable Diffusion's training beside it.
  const cost = await trainingCost(page);
  assert.ok(cost.shown && cost.flops > 0);
  assert.match(cost.text, /Stable Diffusion v1 llevó 150 000 horas de GPU A100/);
  await shot(page, 'cpu-vae-skew');
  const link = await copyLink(page);
  assert.match(link, /skew=1/);
  assert.match(link, /trained=300/);
  const again = await openPage(env.browser, link.replace('?', '?backend=cpu&'));
  await waitRefreshedAt(again, 300);
  assert.deepEqual(await shares(again), skewed);
  assert.deepEqual([...page.errors, ...again.errors], []);
});

test('¿Copia o inventa?: diffusion samples beside their nearest training images, no nearer than held-out images', async () => {
  // A trajectory too long to run on arrival: the view opens without images.
  const page = await openPage(env.browser, `${env.server.url}?backend=cpu#v=2&view=diffusion&count=8&dsteps=60&seed=5`);
  await page.waitForFunction(() => !document.getElementById('find-neighbours').disabled, null, { timeout: 120_000 });
  await page.click('#find-neighbours');
  await page.waitForFunction(() => document.getElementById('neighbours-status').textContent.length > 0);
  assert.match(await page.textContent('#neighbours-status'), /Genera imágenes primero/);
  await setControl(page, 'dsteps', '10');
  assert.match(page.url(), /copies=1/);
  // With the check on, each generation is checked when it is clean.
  const checked = Number((await page.evaluate(() => document.body.dataset.imageCopies)) || 0);
  await page.click('#generate');
  await waitCounter(page, 'imageCopies', checked);
  const rows = await page.$$eval('#neighbours .neighbour-row', (rs) => rs.map((r) => r.querySelectorAll('figure').length));
  assert.deepEqual(rows, [4, 4, 4, 4, 4, 4]);
  const captions = await page.$$eval('#neighbours .neighbour-row:first-child figcaption', (cs) => cs.map((c) => c.textContent));
  assert.equal(captions[0], 'muestra');
  const distances = captions.slice(1).map((c) => Number(c.match(/^d = ([\d,]+) · n\.º \d+$/)[1].replace(',', '.')));
  assert.deepEqual(
    [...distances].sort((a, b) => a - b),
    distances,
    'nearest first',
  );
  const generated = Number(await data(page, 'distance-status', 'generated'));
  const held = Number(await data(page, 'distance-status', 'held'));
  // The shipped model makes new digits: as far from the training images as new real ones.
  assert.ok(generated > 0.8 * held, `median ${generated} against held-out ${held}`);
  assert.match(await page.textContent('#distance-status'), /para 8 muestras, [\d,]+ para 8 imágenes reales reservadas\.$/);
  await page.locator('#image-copies').screenshot({ path: 'target/e2e/cpu-diffusion-copies.png' });
  assert.deepEqual(page.errors, []);

  // ¿Real o generada? from a word that names no digit: said, not a quiz of every digit.
  await page.fill('#class', 'dragón');
  await page.click('#quiz-new');
  await page.waitForFunction(() => /dragón/.test(document.getElementById('quiz-status').textContent));
  assert.match(await page.textContent('#quiz-status'), /«dragón».*cero/);
  assert.match(await page.textContent('#diff-message'), /«dragón»/);
  assert.equal(await page.$$eval('#quiz-grid .quiz-cell', (c) => c.length), 0);
  assert.ok(await page.isHidden('#error'), 'a typo is not a failure');
  await page.locator('#quiz').screenshot({ path: 'target/e2e/cpu-diffusion-quiz-unknown-word.png' });
});

test('¿Real o generada?: the quiz scores answers, shows the discriminator, and a link draws the same quiz', async () => {
  const page = await openPage(env.browser, `${env.server.url}?backend=cpu#v=2&view=ganimg&qseed=77`);
  await page.waitForFunction(() => !document.getElementById('quiz-new').disabled, null, { timeout: 120_000 });
  await page.click('#quiz-new');
  await waitCounter(page, 'quizBuilt', 0);
  const first = await data(page, 'quiz-grid', 'checksum');
  assert.equal(await page.$$eval('#quiz-grid .quiz-cell', (c) => c.length), 10);
  assert.ok(await page.isDisabled('#quiz-check'), 'checking waits for every answer');
  // "Real" for all ten: exactly the five real ones are right.
  for (let i = 1; i <= 10; i++) await page.click(`#quiz-grid .quiz-cell:nth-child(${i}) button[data-answer="real"]`);
  await page.click('#quiz-check');
  const scores = JSON.parse(await data(page, 'quiz-status', 'scores'));
  assert.equal(scores.you, 5);
  assert.equal(scores.n, 10);
  for (const key of ['judge', 'd'])
    assert.ok(Number.isInteger(scores[key]) && scores[key] >= 0 && scores[key] <= 10, `${key}: ${scores[key]}`);
  assert.equal(await page.$$eval('#quiz-grid .quiz-cell[data-real="true"]', (c) => c.length), 5);
  const verdicts = await page.$$eval('#quiz-grid figcaption', (f) => f.map((c) => c.textContent));
  assert.ok(
    verdicts.every((v) => /^[✓✗] era (real|generada)juez: «[^»]+» al \d+ % → (Real|Generada)D\(x\) = \d,\d\d → (Real|Generada)$/.test(v)),
    verdicts[0],
  );
  assert.match(await page.textContent('#quiz-status'), /^Aciertos: tú 5 de 10; el juez \d+ de 10 .*El discriminador \d+ de 10/);
  await shot(page, 'cpu-ganimg-quiz');
  // The same link draws the same ten images; another test draws others.
  const again = await openPage(env.browser, page.url());
  await again.waitForFunction(() => !document.getElementById('quiz-new').disabled, null, { timeout: 120_000 });
  await again.click('#quiz-new');
  await waitCounter(again, 'quizBuilt', 0);
  assert.equal(await data(again, 'quiz-grid', 'checksum'), first);
  await page.click('#quiz-new');
  await waitCounter(page, 'quizBuilt', 1);
  assert.notEqual(await data(page, 'quiz-grid', 'checksum'), first);
  assert.doesNotMatch(page.url(), /qseed=77/);
  assert.deepEqual([...page.errors, ...again.errors], []);
});

test('embedded in English, the VAE quiz and the copy check work', async () => {
  const page = await openPage(env.browser, `${env.server.url}?embed=1&backend=cpu#v=2&view=vae&lang=en`);
  await waitRefreshedAt(page, 0);
  await page.click('#quiz-new');
  await waitCounter(page, 'quizBuilt', 0);
  assert.match(await page.textContent('#quiz-status'), /^Mark the 10 images and press Check\.$/);
  await page.click('#find-neighbours');
  await waitCounter(page, 'imageCopies', 0);
  assert.match(
    await page.textContent('#distance-status'),
    /^Median distance to the nearest training image: [\d.]+ for 100 samples, [\d.]+ for 100 held-out real images\.$/,
  );
  assert.ok(await page.evaluate(() => document.body.classList.contains('embed')));
  await shot(page, 'cpu-vae-risks-embed-en');
  assert.deepEqual(page.errors, []);
});

test('¿Copia o inventa?: a VAE trained on ten digits makes near copies of them, and the check says so by itself', async () => {
  const page = await openPage(env.browser, `${env.server.url}?backend=cpu#v=2&view=vae`);
  await waitRefreshedAt(page, 0);
  await train(page, '#memorise-preset');
  await waitRefreshedAt(page, 3000);
  assert.ok(await page.isVisible('#memorise-preset-help'));
  assert.match(page.url(), /limit=10/);
  // The preset turned the check on, and it ran on the trained model by itself.
  await waitCounter(page, 'imageCopies', 0);
  // Checked again on request, once every redraw the run queued is done.
  const checks = Number(await page.evaluate(() => document.body.dataset.imageCopies));
  await page.click('#find-neighbours');
  await waitCounter(page, 'imageCopies', checks);
  const generated = Number(await data(page, 'distance-status', 'generated'));
  const held = Number(await data(page, 'distance-status', 'held'));
  // Nearer than new real images by far, and some samples all but equal to a training digit.
  assert.ok(generated < held / 2, `median ${generated} against held-out ${held}`);
  const nearest = JSON.parse(await data(page, 'neighbours', 'nearest'));
  assert.ok(Math.min(...nearest) < 1.5, `nearest ${nearest}`);
  // Only the ten training digits are neighbours.
  const numbers = await page.$$eval('#neighbours figcaption', (cs) =>
    cs
      .map((c) => c.textContent.match(/n\.º (\d+)$/)?.[1])
      .filter(Boolean)
      .map(Number),
  );
  assert.ok(
    numbers.every((n) => n < 10),
    `neighbours ${numbers}`,
  );
  await page.locator('#image-copies').screenshot({ path: 'target/e2e/cpu-vae-memorised.png' });
  assert.deepEqual(page.errors, []);
});
