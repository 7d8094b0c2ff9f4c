// Browser numbers for the README table: the shipped refranes GPT and the MNIST diffusion model
// in the real page, on the CPU path and on WebGPU (SwiftShader on a machine without a GPU);
// the wasm size; and the
// bytes the first page view downloads (shell + wasm + one model, gzipped as served).
import { statSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { generate, launch, openPage, startServer, train } from '../tests/e2e/harness.mjs';

const server = await startServer();
const rows = [];

for (const gpu of [false, true]) {
  const browser = await launch({ gpu });
  const page = await openPage(browser, server.url + (gpu ? '' : '?backend=cpu'));
  await page.waitForFunction(() => !document.getElementById('generate').disabled);
  const chars = gpu ? 50 : 200;
  const t0 = Date.now();
  await generate(page, { prompt: 'A', len: chars, seed: 1 });
  const charsPerSec = chars / ((Date.now() - t0) / 1000);

  const steps = gpu ? 6 : 60;
  const trainPage = await openPage(browser, `${server.url}${gpu ? '' : '?backend=cpu'}#v=1&steps=${steps}`);
  const t1 = Date.now();
  await train(trainPage);
  const stepsPerSec = steps / ((Date.now() - t1) / 1000);

  // Denoising 16 samples (with guidance: a batch of 32 through the U-Net), one Step click at a
  // time; the first step (shader compilation, warm-up) is not counted.
  const diffPage = await openPage(browser, `${server.url}${gpu ? '' : '?backend=cpu'}#v=1&view=diffusion&dsteps=1000&count=16`);
  const denoise = async () => {
    const before = await diffPage.evaluate(() => Number(document.body.dataset.stepped || 0));
    await diffPage.click('#step-denoise');
    await diffPage.waitForFunction((n) => Number(document.body.dataset.stepped || 0) > n, before, { timeout: 300_000 });
  };
  await denoise();
  const denoiseSteps = gpu ? 3 : 5;
  const t2 = Date.now();
  for (let i = 0; i < denoiseSteps; i++) await denoise();
  const msPerDenoise = (Date.now() - t2) / denoiseSteps;
  rows.push({
    where: gpu ? 'Chromium WebGPU' : 'Chromium CPU',
    backend: await page.textContent('#backend'),
    charsPerSec,
    stepsPerSec,
    msPerDenoise,
  });
  await browser.close();
}
server.stop();

// What the first usable view fetches (page, worker and wasm glue, the language, the default
// model), each gzipped as tools/serve.mjs serves it. The worker's fetches escape the page's
// network events, so the list is explicit.
const FIRST_VIEW = [
  'index.html',
  'style.css',
  'app.js',
  'families.js',
  'views/gpt.js',
  'views/common.js',
  'views/training_panel.js',
  'i18n/es.json',
  'worker.js',
  'pkg/iagen_web.js',
  'pkg/iagen_web_bg.wasm',
  'assets/models/refranes.json',
  'assets/models/refranes.bpk',
];
const gz = (path) => gzipSync(readFileSync(`web/${path}`), { level: 9 }).length;
for (const r of rows) {
  console.log(
    `${r.where}\tgenerate_chars_per_s\t${r.charsPerSec.toFixed(1)}\ttrain_nano_steps_per_s\t${r.stepsPerSec.toFixed(2)}\tdiffusion_ms_per_step_16_samples\t${r.msPerDenoise.toFixed(0)}\t(${r.backend})`,
  );
}
console.log(`wasm\traw_bytes\t${statSync('web/pkg/iagen_web_bg.wasm').size}\tgzip_bytes\t${gz('pkg/iagen_web_bg.wasm')}`);
console.log(`first_view\tgzip_bytes\t${FIRST_VIEW.reduce((sum, f) => sum + gz(f), 0)}`);
