// Runs the TensorFlow.js peer (bench/peer/gpt.mjs) in the browser that just measured the page,
// after checking that it is the same model: the same parameter count as the page shows and the
// same next-character probabilities as the page's bars for one text.
import { readFileSync } from 'node:fs';
import { generate } from '../../tests/e2e/harness.mjs';
import { readBurnpack } from './burnpack.mjs';

const MODEL = 'web/assets/models/refranes';
const PROMPT = 'El que madruga';

// The page's bars as [character, probability].
const bars = (page) =>
  page.$$eval('#bars .label', (labels) =>
    labels.map((label) => [
      label.textContent.replace('␣', ' ').replace('↵', '\n'),
      Number.parseFloat(label.nextElementSibling.nextElementSibling.textContent) / 100,
    ]),
  );

/** `page`: the page with the shipped refranes model open (its `params` as shown); `backend`:
 * 'wasm' or 'webgpu'; `root`: a server of the repository's root (the peer and node_modules). Resolves with the peer's generation rates (cold: the first run;
 * steady: the third), its training rate (`steps` steps of a fresh model after a 5-step
 * warm-up) and its backend. */
export async function tfjsPeer(browser, backend, { page, params }, { chars, steps, root }) {
  const peer = await (await browser.newContext({ bypassCSP: true })).newPage(); // TF.js's bundle evaluates strings
  await peer.goto(`${root}bench/peer/index.html`);
  await peer.waitForFunction(() => document.getElementById('ready').textContent === 'ready');
  const took = await peer.evaluate((b) => globalThis.peer.setBackend(b), backend);
  const manifest = JSON.parse(readFileSync(`${MODEL}.json`, 'utf8'));
  const weights = Object.fromEntries(
    Object.entries(readBurnpack(readFileSync(`${MODEL}.bpk`))).map(([name, w]) => [name, { shape: w.shape, values: [...w.values] }]),
  );
  const count = await peer.evaluate((a) => globalThis.peer.load(a), { manifest, weights });
  if (count !== params) throw new Error(`the TF.js peer has ${count} parameters, the page ${params}`);

  const written = await generate(page, { prompt: PROMPT, len: 1, seed: 1 });
  const expected = (await bars(page)).slice(0, 3);
  const got = await peer.evaluate((text) => globalThis.peer.top(text, 0.8), PROMPT + written);
  expected.forEach(([ch, p], i) => {
    if (got[i][0] !== ch || Math.abs(got[i][1] - p) > 0.002)
      throw new Error(`the TF.js peer predicts ${JSON.stringify(got.slice(0, 3))}, the page ${JSON.stringify(expected)}`);
  });

  const rates = [];
  for (let i = 0; i < 3; i++) {
    const { ms } = await peer.evaluate((n) => globalThis.peer.generate({ prompt: 'A', n, temperature: 0.8, seed: 1 }), chars);
    rates.push(chars / (ms / 1000));
  }
  const text = readFileSync('web/assets/data/refranes.txt', 'utf8');
  const run = (n) =>
    peer.evaluate(({ text, n }) => globalThis.peer.train({ text, steps: n, batch: 16, ctx: 64, lr: 3e-3, seed: 1 }), { text, n });
  await peer.evaluate((a) => globalThis.peer.load(a), { manifest });
  await run(5);
  const { ms, first, last } = await run(steps);
  if (!(last < first)) throw new Error(`the TF.js peer's loss did not fall (${first} → ${last})`);
  await peer.context().close();
  return { cold: rates[0], steady: rates[2], stepsPerSec: steps / (ms / 1000), backend: took };
}
