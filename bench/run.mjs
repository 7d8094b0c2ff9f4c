// Browser numbers for the README table: the shipped refranes and frases GPTs, the MNIST diffusion model,
// the MNIST VAE (latent 2), the 2-D GAN, the image GAN and the pixel GPT
// in the real page, on the CPU path and on WebGPU (SwiftShader on a machine without a GPU);
// the wasm size; and the
// bytes the first page view downloads (shell + wasm + one model, gzipped as served).
import { statSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { generate, hoverMap, launch, openPage, startServer, train } from '../tests/e2e/harness.mjs';
import { gptPeer, openPeer, shownParams, unetPeer } from './peer/drive.mjs';

const server = await startServer();
const repository = await startServer('.'); // the TF.js peer and its packages
const rows = [];

for (const gpu of [false, true]) {
  const browser = await launch({ gpu });
  // Forced, so every view runs on the backend of its row (left to choose, the page passes over
  // SwiftShader for the CPU).
  const forced = gpu ? '?backend=webgpu' : '?backend=cpu';
  // Characters per second from a model in the page, as the page reports them under the text
  // (the prompt's pass, the worker's messages and drawing the text and bars included): the
  // first generation after the model loads (cold: the engine's code not yet optimised) and the
  // third (steady). `data` names the model.
  const writes = async (data, chars) => {
    const page = await openPage(browser, `${server.url}${forced}#v=2&data=${data}`);
    await page.waitForFunction(() => !document.getElementById('generate').disabled);
    const rates = [];
    for (let i = 0; i < 3; i++) {
      await generate(page, { prompt: 'A', len: chars, seed: 1 });
      rates.push(await page.$eval('#gen-speed', (e) => Number(e.dataset.rate)));
    }
    const params = await shownParams(page, '#model-info');
    return { cold: rates[0], steady: rates[2], params, page, backend: await page.textContent('#backend') };
  };
  async function checkCopies() {
    const page = await openPage(browser, `${server.url}${forced}#v=2&data=shakespeare&copies=1&len=300`);
    await page.waitForFunction(() => !document.getElementById('generate').disabled, null, { timeout: 120_000 });
    const ms = [];
    for (const seed of [1, 2, 3]) {
      await generate(page, { prompt: '', seed });
      ms.push(await page.$eval('#copies-status', (s) => Number(s.dataset.ms)));
    }
    const indexMs = await page.$eval('#copies-status', (s) => Number(s.dataset.indexMs));
    await page.context().close();
    return { indexMs, checkMs: ms[2] };
  }
  const refranes = await writes('refranes', gpu ? 50 : 300);
  const { backend } = refranes;
  const { steady: defaultCharsPerSec } = await writes('frases', gpu ? 20 : 100);
  // ¿Copia o inventa? on the CPU path (the finder is plain wasm on either): the index of
  // Shakespeare's 4.5 M training characters, built once when first asked (after the text's
  // download), and the check of 300 generated characters (the third generation's), both as the
  // page reports them.
  const copies = gpu ? null : await checkCopies();
  // The same models in TF.js, in the same browser: wasm on the CPU path, WebGPU beside WebGPU.
  const { peer: tfjs, backend: tfjsBackend } = await openPeer(browser, gpu ? 'webgpu' : 'wasm', repository.url);
  const steps = gpu ? 6 : 60;
  const peer = { backend: tfjsBackend, ...(await gptPeer(tfjs, refranes, { chars: gpu ? 50 : 300, steps })) };

  const trainPage = await openPage(browser, `${server.url}${forced}#v=2&data=refranes&steps=${steps}`);
  const t1 = Date.now();
  await train(trainPage);
  const stepsPerSec = steps / ((Date.now() - t1) / 1000);
  // The training steps alone, after the first chunk (what the native trainer and TF.js time:
  // no validation, previews or chart), as the worker measured them.
  const stepsAlonePerSec = await trainPage.$eval('#train-status', (e) => Number(e.dataset.stepRate));

  // Denoising 16 samples (with guidance: a batch of 32 through the U-Net), one Step click at a
  // time, as long as the page says each step took (the update, read-backs and drawing
  // included); the first step (shader compilation, warm-up) is not counted.
  const diffPage = await openPage(browser, `${server.url}${forced}#v=2&view=diffusion&dsteps=1000&count=16`);
  const denoise = async () => {
    const before = await diffPage.evaluate(() => Number(document.body.dataset.stepped || 0));
    await diffPage.click('#step-denoise');
    await diffPage.waitForFunction((n) => Number(document.body.dataset.stepped || 0) > n, before, { timeout: 300_000 });
    return diffPage.$eval('#step-speed', (e) => Number(e.dataset.ms));
  };
  await denoise();
  const denoiseSteps = gpu ? 3 : 5;
  let denoiseMs = 0;
  for (let i = 0; i < denoiseSteps; i++) denoiseMs += await denoise();
  const msPerDenoise = denoiseMs / denoiseSteps;
  const unetParams = await shownParams(diffPage, '#diff-model');
  Object.assign(peer, await unetPeer(tfjs, { params: unetParams }, { batch: 32, passes: denoiseSteps }));
  await tfjs.context().close();
  // The VAE: training steps (batch 16, with the map's redraws) and decodes as the pointer moves
  // over the latent map, each waited for and drawn.
  const vaeSteps = gpu ? 10 : 100;
  const vaePage = await openPage(browser, `${server.url}${forced}#v=2&view=vae&steps=${vaeSteps}`);
  await vaePage.waitForFunction(() => Number(document.body.dataset.vaeRefreshed || 0) > 0, null, { timeout: 300_000 });
  await hoverMap(vaePage, 0.5, 0.5);
  const hovers = gpu ? 10 : 40;
  const t3 = Date.now();
  for (let i = 0; i < hovers; i++) await hoverMap(vaePage, 0.1 + (0.8 * i) / hovers, 0.3);
  const decodesPerSec = hovers / ((Date.now() - t3) / 1000);
  const t4 = Date.now();
  await train(vaePage);
  const vaeStepsPerSec = vaeSteps / ((Date.now() - t4) / 1000);
  // The 2-D GAN: rounds (one D step, one G step, batch 128) with the plane's redraws.
  const ganRounds = gpu ? 20 : 300;
  const ganPage = await openPage(browser, `${server.url}${forced}#v=2&view=gan&steps=${ganRounds}`);
  await ganPage.waitForFunction(() => Number(document.body.dataset.snapshots || 0) > 0, null, { timeout: 300_000 });
  const t5 = Date.now();
  await train(ganPage);
  const ganRoundsPerSec = ganRounds / ((Date.now() - t5) / 1000);
  // The image GAN: fine-tuning rounds of the shipped DCGAN (batch 32), with the meter's and
  // D(x)'s readings every five rounds (the view's least interval).
  const imageRounds = gpu ? 4 : 20;
  const imagePage = await openPage(browser, `${server.url}${forced}#v=2&view=ganimg&steps=${imageRounds}`);
  await imagePage.waitForFunction(() => Number(document.body.dataset.ganimgRefreshed || 0) > 0, null, { timeout: 300_000 });
  const t6 = Date.now();
  await train(imagePage);
  const imageRoundsPerSec = imageRounds / ((Date.now() - t6) / 1000);
  // The pixel GPT: the link's digit, which the view writes in one call on arrival (196 pixels:
  // one pass of the model and one draw per pixel), as fast as the page reports it.
  const pixelPage = await openPage(browser, `${server.url}${forced}#v=2&view=pixelgpt&seed=1`);
  await pixelPage.waitForFunction(() => Number(document.body.dataset.written || 0) > 0, null, { timeout: 300_000 });
  const pixelsPerSec = 1000 / (await pixelPage.$eval('#pix-speed', (e) => Number(e.dataset.ms)));
  rows.push({
    where: gpu ? 'Chromium WebGPU' : 'Chromium CPU',
    ganRoundsPerSec,
    imageRoundsPerSec,
    pixelsPerSec,
    vaeStepsPerSec,
    decodesPerSec,
    backend,
    cold: refranes.cold,
    steady: refranes.steady,
    peer,
    defaultCharsPerSec,
    stepsPerSec,
    stepsAlonePerSec,
    msPerDenoise,
    copies,
  });
  await browser.close();
}
server.stop();
repository.stop();

// What the first usable view fetches (page, worker and wasm glue, the language), each gzipped
// as tools/serve.mjs serves it; then the default model, which arrives in the background while
// the page is already usable (it says how far the download is). The worker's fetches escape
// the page's network events, so the lists are explicit.
const FIRST_VIEW = [
  'index.html',
  'style.css',
  'app.js',
  'families.js',
  'views/gpt.js',
  'views/common.js',
  'views/training_panel.js',
  'views/copy_finder.js',
  'views/cost_meter.js',
  'i18n/es.json',
  'worker.js',
];
// With the CPU-only build (web/worker.js); `?backend=webgpu` loads the WebGPU build instead.
const BUILDS = { first_view: 'pkg-cpu', first_view_with_backend_webgpu: 'pkg' };
const buildFiles = (dir) => [`${dir}/iagen_web.js`, `${dir}/iagen_web_bg.wasm`];
const DEFAULT_MODEL = ['assets/models/frases.json', 'assets/models/frases.bpk'];
const gz = (path) => gzipSync(readFileSync(`web/${path}`), { level: 9 }).length;
const ratio = (a, b) => (a / b).toFixed(2);
for (const r of rows) {
  console.log(
    `${r.where}\tgenerate_chars_per_s_cold\t${r.cold.toFixed(0)}\tsteady\t${r.steady.toFixed(0)}\tdefault_model_chars_per_s\t${r.defaultCharsPerSec.toFixed(1)}\ttrain_nano_steps_per_s\t${r.stepsPerSec.toFixed(2)}\tsteps_alone\t${r.stepsAlonePerSec.toFixed(2)}\tdiffusion_ms_per_step_16_samples\t${r.msPerDenoise.toFixed(0)}\tvae_train_steps_per_s_batch_16\t${r.vaeStepsPerSec.toFixed(1)}\tvae_decodes_per_s\t${r.decodesPerSec.toFixed(1)}\tgan2d_rounds_per_s\t${r.ganRoundsPerSec.toFixed(1)}\tgan_image_rounds_per_s_batch_32\t${r.imageRoundsPerSec.toFixed(2)}\tpixelgpt_pixels_per_s\t${r.pixelsPerSec.toFixed(0)}\t(${r.backend})`,
  );
  if (r.copies)
    console.log(
      `${r.where}\tcopy_index_ms_shakespeare\t${r.copies.indexMs.toFixed(0)}\tcopy_check_ms_300_chars\t${r.copies.checkMs.toFixed(1)}`,
    );
  const { peer } = r;
  const flavour =
    peer.backend.backend === 'wasm' ? `wasm, SIMD ${peer.backend.simd}, threads ${peer.backend.threads}` : peer.backend.backend;
  console.log(
    `${r.where} TF.js\tgenerate_chars_per_s_cold\t${peer.cold.toFixed(0)}\tsteady\t${peer.steady.toFixed(0)}\ttrain_nano_steps_per_s\t${peer.stepsPerSec.toFixed(2)}\tunet_ms_per_pass_batch_32\t${peer.msPerPass.toFixed(0)}\t(${flavour}; U-Net check: correlation ${peer.correlation.toFixed(3)})`,
  );
  console.log(
    `${r.where} page ÷ TF.js\tgenerate_cold\t${ratio(r.cold, peer.cold)}\tgenerate_steady\t${ratio(r.steady, peer.steady)}\ttrain_nano\t${ratio(r.stepsPerSec, peer.stepsPerSec)}\tsteps_alone\t${ratio(r.stepsAlonePerSec, peer.stepsPerSec)}\tdenoise_speed\t${ratio(peer.msPerPass, r.msPerDenoise)}`,
  );
}
const gzSum = (files) => files.reduce((sum, f) => sum + gz(f), 0);
for (const [view, dir] of Object.entries(BUILDS)) {
  console.log(`wasm ${dir}\traw_bytes\t${statSync(`web/${dir}/iagen_web_bg.wasm`).size}\tgzip_bytes\t${gz(`${dir}/iagen_web_bg.wasm`)}`);
  console.log(`${view}\tgzip_bytes\t${gzSum([...FIRST_VIEW, ...buildFiles(dir)])}`);
}
console.log(`then_default_model_in_background\tgzip_bytes\t${gzSum(DEFAULT_MODEL)}`);
