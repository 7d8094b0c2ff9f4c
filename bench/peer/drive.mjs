// Runs the TensorFlow.js peer (bench/peer/) in the browser that just measured the page, after
// checking that each model is the page's: the same parameter count as the page shows, the GPT's
// next-character probabilities equal to the page's bars for one text, and the U-Net predicting
// the noise of pure-noise input.
import { readFileSync } from 'node:fs';
import { generate } from '../../tests/e2e/harness.mjs';
import { readBurnpack } from './burnpack.mjs';

const MODELS = 'web/assets/models';
const PROMPT = 'El que madruga';

// A shipped model's manifest and its weights as plain arrays (they cross into the page).
function shipped(name) {
  const manifest = JSON.parse(readFileSync(`${MODELS}/${name}.json`, 'utf8'));
  const weights = Object.fromEntries(
    Object.entries(readBurnpack(readFileSync(`${MODELS}/${name}.bpk`))).map(([key, w]) => [key, { shape: w.shape, values: [...w.values] }]),
  );
  return { manifest, weights };
}

// The number a page shows before "parámetros" (es-ES grouping: 32.265), once its model is in.
export async function shownParams(page, selector) {
  await page.waitForFunction((s) => / parámetros/.test(document.querySelector(s).textContent), selector, { timeout: 120_000 });
  return Number((await page.textContent(selector)).match(/([\d.]+) parámetros/)[1].replace(/\./g, ''));
}

// The page's bars as [character, probability] (the page writes "99,4 %" in Spanish).
const bars = (page) =>
  page.$$eval('#bars .label', (labels) =>
    labels.map((label) => [
      label.textContent.replace('␣', ' ').replace('↵', '\n'),
      Number.parseFloat(label.nextElementSibling.nextElementSibling.textContent.replace(',', '.')) / 100,
    ]),
  );

/** The peer page on TF.js's `backend` ('wasm' or 'webgpu'), from `root` (a server of the
 * repository's root: the peer and node_modules). Resolves with the page and what TF.js took. */
export async function openPeer(browser, backend, root) {
  const peer = await (await browser.newContext({ bypassCSP: true })).newPage(); // TF.js's bundle evaluates strings
  await peer.goto(`${root}bench/peer/index.html`);
  await peer.waitForFunction(() => document.getElementById('ready').textContent === 'ready');
  const took = await peer.evaluate((b) => globalThis.peer.setBackend(b), backend);
  return { peer, backend: took };
}

/** The nano GPT. `page`: the page with the shipped refranes model open, showing `params`.
 * Resolves with the peer's generation rates (cold: the first run; steady: the third) and its
 * training rate (`steps` steps of a fresh model after a 5-step warm-up). */
export async function gptPeer(peer, { page, params }, { chars, steps }) {
  const { manifest, weights } = shipped('refranes');
  const count = await peer.evaluate((a) => globalThis.peer.gpt.load(a), { manifest, weights });
  if (count !== params) throw new Error(`the TF.js GPT has ${count} parameters, the page's ${params}`);

  const written = await generate(page, { prompt: PROMPT, len: 1, seed: 1 });
  const expected = (await bars(page)).slice(0, 3);
  const got = await peer.evaluate((text) => globalThis.peer.gpt.top(text, 0.8), PROMPT + written);
  expected.forEach(([ch, p], i) => {
    if (got[i][0] !== ch || Math.abs(got[i][1] - p) > 0.002)
      throw new Error(`the TF.js GPT predicts ${JSON.stringify(got.slice(0, 3))}, the page ${JSON.stringify(expected)}`);
  });

  const rates = [];
  for (let i = 0; i < 3; i++) {
    const { ms } = await peer.evaluate((n) => globalThis.peer.gpt.generate({ prompt: 'A', n, temperature: 0.8, seed: 1 }), chars);
    rates.push(chars / (ms / 1000));
  }
  const text = readFileSync('web/assets/data/refranes.txt', 'utf8');
  const run = (n) =>
    peer.evaluate(({ text, n }) => globalThis.peer.gpt.train({ text, steps: n, batch: 16, ctx: 64, lr: 3e-3, seed: 1 }), { text, n });
  await peer.evaluate((a) => globalThis.peer.gpt.load(a), { manifest });
  await run(5);
  const { ms, first, last } = await run(steps);
  if (!(last < first)) throw new Error(`the TF.js GPT's loss did not fall (${first} → ${last})`);
  return { cold: rates[0], steady: rates[2], stepsPerSec: steps / (ms / 1000) };
}

/** The MNIST diffusion U-Net, `params` as the page shows: milliseconds per pass of `batch`
 * images (the page's 16 samples with guidance), the mean of `passes` after one warm-up. */
export async function unetPeer(peer, { params }, { batch, passes }) {
  const count = await peer.evaluate((a) => globalThis.peer.unet.load(a), shipped('diffusion-mnist'));
  if (count !== params) throw new Error(`the TF.js U-Net has ${count} parameters, the page's ${params}`);
  const pass = (seed) => peer.evaluate((a) => globalThis.peer.unet.pass(a), { batch, seed });
  const { correlation } = await pass(0);
  if (!(correlation > 0.9)) throw new Error(`the TF.js U-Net does not predict the noise (correlation ${correlation})`);
  let ms = 0;
  for (let i = 1; i <= passes; i++) ms += (await pass(i)).ms;
  return { msPerPass: ms / passes, correlation };
}
