// Browser numbers for the README table: the shipped refranes GPT in the real page, on the
// CPU path and on WebGPU (SwiftShader on a machine without a GPU); the wasm size; and the
// bytes the first page view downloads (shell + wasm + one model, compressed as served).
import { statSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { generate, launch, openPage, startServer, train } from '../tests/e2e/harness.mjs';

const server = await startServer();
const rows = [];

for (const gpu of [false, true]) {
  const browser = await launch({ gpu });
  const context = await browser.newContext({ locale: 'es-ES' });
  const probe = await context.newPage();
  const cdp = await context.newCDPSession(probe);
  await cdp.send('Network.enable');
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  await probe.goto(server.url + (gpu ? '' : '?backend=cpu'));
  await probe.waitForFunction(() => document.body.dataset.ready === '1' && !document.getElementById('generate').disabled, null, { timeout: 300_000 });
  const firstView = bytes; // page, worker, wasm, i18n, the refranes model
  await probe.close();

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
  rows.push({ where: gpu ? 'Chromium WebGPU' : 'Chromium CPU', backend: await page.textContent('#backend'), charsPerSec, stepsPerSec, firstView });
  await browser.close();
}
server.stop();

const wasm = readFileSync('web/pkg/iagen_web_bg.wasm');
for (const r of rows) {
  console.log(`${r.where}\tgenerate_chars_per_s\t${r.charsPerSec.toFixed(1)}\ttrain_nano_steps_per_s\t${r.stepsPerSec.toFixed(2)}\tfirst_view_bytes\t${r.firstView}\t(${r.backend})`);
}
console.log(`wasm\traw_bytes\t${statSync('web/pkg/iagen_web_bg.wasm').size}\tgzip_bytes\t${gzipSync(wasm, { level: 9 }).length}`);
