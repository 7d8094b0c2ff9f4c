// Nothing lost: a model trained in the page saved as a file and opened again after a reload
// writes the same text; a file that is not one, a damaged one, one too large or one of another
// family is explained and leaves the current model working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate, launch, openPage, serveAndBrowse, shot, train } from './harness.mjs';

const env = serveAndBrowse();
const dir = mkdtempSync(join(tmpdir(), 'iagen-files-'));

/** Pick `path` with "Open model…" and wait for the status line to answer. */
async function open(page, path) {
  const before = await page.textContent('#file-status');
  const chooser = page.waitForEvent('filechooser');
  await page.click('#open-model');
  await (await chooser).setFiles(path);
  await page.waitForFunction((b) => {
    const now = document.getElementById('file-status').textContent;
    return now && now !== b;
  }, before);
  return page.textContent('#file-status');
}

const nano = `${'?backend=cpu'}#v=2&data=refranes&size=nano&ctx=32&batch=8&steps=15&tseed=3`;

test('a trained GPT saved as a file and opened after a reload writes the same text', async () => {
  const page = await openPage(env.browser, `${env.server.url}${nano}`);
  await train(page);
  const text = await generate(page, { prompt: 'A quien', len: 60, seed: 4 });
  const download = page.waitForEvent('download');
  await page.click('#save-model');
  const file = join(dir, (await download).suggestedFilename());
  await (await download).saveAs(file);
  assert.match(file, /iagen-gpt-15\.iagen$/);
  assert.match(await page.textContent('#file-status'), /Guardado como «iagen-gpt-15\.iagen»/);

  // A fresh page on the default model (other settings): the file brings its own back.
  const again = await openPage(env.browser, `${env.server.url}?backend=cpu`);
  await again.waitForFunction(() => !document.getElementById('generate').disabled);
  assert.match(await open(again, file), /Modelo abierto de «iagen-gpt-15\.iagen»: 15 pasos entrenados/);
  assert.equal(await again.inputValue('#size'), 'nano');
  assert.match(again.url(), /trained=15/);
  assert.equal(await generate(again, { prompt: 'A quien', len: 60, seed: 4 }), text, 'the same model');
  await shot(again, 'cpu-model-file-opened');

  // Files that are not right: each said, and the model goes on writing the same text.
  const bytes = readFileSync(file);
  const bad = join(dir, 'notes.iagen');
  writeFileSync(bad, 'just some text\n');
  assert.match(await open(again, bad), /«notes\.iagen» no es un modelo guardado por IAGen Playground/);
  const cut = join(dir, 'cut.iagen');
  writeFileSync(cut, bytes.subarray(0, bytes.length - 5000));
  assert.match(await open(again, cut), /«cut\.iagen» no encaja con este modelo; no se ha cambiado nada/);
  const other = join(dir, 'other.iagen');
  writeFileSync(other, Buffer.from(bytes.toString('latin1').replace('"family":"gpt"', '"family":"vae"'), 'latin1'));
  assert.match(await open(again, other), /«other\.iagen» es un modelo de VAE: ábrelo en esa vista/);
  assert.equal(await generate(again, { prompt: 'A quien', len: 60, seed: 4 }), text, 'still the opened model');
  assert.ok(await again.isHidden('#error'));
  assert.deepEqual(again.errors, []);
});

test('on WebGPU too: a 2-D GAN saved and opened again draws the same points', async () => {
  const gpu = await launch({ gpu: true });
  const hash = '#v=2&view=gan&steps=5&tseed=9';
  const page = await openPage(gpu, `${env.server.url}?backend=webgpu${hash}`);
  assert.equal(await page.getAttribute('body', 'data-backend'), 'webgpu');
  await train(page);
  await page.waitForFunction(() => document.getElementById('plane').dataset.step === '5');
  const points = await page.$eval('#plane', (c) => c.dataset.checksum);
  const download = page.waitForEvent('download');
  await page.click('#save-model');
  const file = join(dir, (await download).suggestedFilename());
  await (await download).saveAs(file);
  assert.match(file, /iagen-gan2d-5\.iagen$/);
  const again = await openPage(gpu, `${env.server.url}?backend=webgpu#v=2&view=gan`);
  // SwiftShader compiles the 2-D GAN's shaders first: on a busy 2-core machine that took over 30 s.
  await again.waitForFunction(() => Number(document.body.dataset.snapshots || 0) > 0, null, { timeout: 120_000 });
  assert.match(await open(again, file), /5 pasos entrenados/);
  await again.waitForFunction((p) => document.getElementById('plane').dataset.checksum === p, points, { timeout: 60_000 });
  await gpu.close();
});
