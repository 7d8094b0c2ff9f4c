// Shared set-up for the browser tests: our static server on a free port, Debian's chromium
// with the flags from ARCHITECTURE.md (WebGPU on SwiftShader), screenshots under target/e2e/.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export const SHOTS = 'target/e2e';
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
mkdirSync(SHOTS, { recursive: true });

const BASE_FLAGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const WEBGPU_FLAGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--disable-vulkan-surface',
];

export async function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

export async function startServer(root = 'web') {
  const port = await freePort();
  const child = spawn('node', ['tools/serve.mjs', root], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve) => child.stdout.once('data', resolve));
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill() };
}

/** `gpu`: true for WebGPU on SwiftShader, false for a browser with WebGPU switched off. */
export async function launch({ gpu }) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [...BASE_FLAGS, ...(gpu ? WEBGPU_FLAGS : ['--disable-features=WebGPU'])],
  });
}

/**
 * For a test file (or a `describe`): our server and a browser (`gpu`: WebGPU on SwiftShader,
 * else the CPU path), started before its tests and closed after them, as `{server, browser}`
 * once they run.
 */
export function serveAndBrowse({ gpu = false } = {}) {
  const env = {};
  before(async () => {
    env.server = await startServer();
    env.browser = await launch({ gpu });
  });
  after(async () => {
    await env.browser.close();
    env.server.stop();
  });
  return env;
}

/** Open the page and wait until the view is mounted (wasm loaded, backend chosen).
 * `prepare(page)` runs before the page loads (to route requests, say). */
export async function openPage(browser, url, { locale = 'es-ES', prepare } = {}) {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 1100 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  await prepare?.(page);
  await page.goto(url);
  await waitReady(page);
  const failure = (await page.locator('#error').isVisible()) ? await page.locator('#error').textContent() : null;
  if (failure) throw new Error(`page failed: ${failure}\n${errors.join('\n')}`);
  page.errors = errors;
  return page;
}

/** Wait until the view is mounted or the page shows an error. */
export async function waitReady(page) {
  await page.waitForFunction(() => document.body.dataset.ready === '1' || !document.getElementById('error').hidden, null, {
    timeout: 120_000,
  });
}

export async function shot(page, name) {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** Click Generate and wait for the whole text; returns the generated characters. */
export async function generate(page, { prompt, len, seed } = {}) {
  if (prompt !== undefined) await page.fill('#prompt', prompt);
  for (const [id, value] of [
    ['len', len],
    ['seed', seed],
  ]) {
    if (value !== undefined) {
      await page.fill(`#${id}`, String(value));
      await page.dispatchEvent(`#${id}`, 'change');
    }
  }
  const before = await page.evaluate(() => Number(document.body.dataset.generated || 0));
  await page.click('#generate');
  await page.waitForFunction((n) => Number(document.body.dataset.generated || 0) > n, before, { timeout: 300_000 });
  return page.evaluate(() => [...document.querySelectorAll('#output span.ch')].map((s) => s.textContent).join(''));
}

/** Click "Copy link" and return the link once the page has it (after the clipboard write). */
export async function copyLink(page) {
  await page.click('#copy-link');
  await page.waitForFunction(() => document.getElementById('share-status').dataset.url);
  return page.$eval('#share-status', (s) => s.dataset.url);
}

/** Set a control to a non-default value as a user would; waits until the link holds it. */
export async function setControl(page, id, value) {
  const tag = await page.$eval(`#${id}`, (el) => el.tagName);
  if (tag === 'SELECT') await page.selectOption(`#${id}`, String(value));
  else {
    await page.fill(`#${id}`, String(value));
    await page.dispatchEvent(`#${id}`, 'change');
  }
  await page.waitForFunction(([k, v]) => location.hash.includes(`${k}=${v}`), [id, encodeURIComponent(value)]);
}

/** Click Train (or Step) and wait for that run to end. */
export async function train(page, button = '#train') {
  const before = await page.evaluate(() => Number(document.body.dataset.trainRuns || 0));
  await page.click(button);
  await page.waitForFunction((n) => Number(document.body.dataset.trainRuns || 0) > n, before, { timeout: 300_000 });
}

/** The VAE view: move the pointer over the latent map to fractions (fx, fy) of its size and wait
 * until that point is decoded; returns the decoded image's checksum. */
export async function hoverMap(page, fx, fy) {
  const before = await page.evaluate(() => Number(document.body.dataset.hovered || 0));
  await page.locator('#map').scrollIntoViewIfNeeded();
  const box = await page.locator('#map').boundingBox();
  await page.mouse.move(box.x + fx * box.width, box.y + fy * box.height);
  await page.waitForFunction((n) => Number(document.body.dataset.hovered || 0) > n, before, { timeout: 300_000 });
  // A decode may still be in flight for an earlier position: wait until the pointer's own shows.
  await page.waitForFunction(() => !document.body.dataset.hoverBusy, null, { timeout: 60_000 });
  return page.$eval('#hover', (c) => c.dataset.checksum);
}

/** Wait until the page's counter `name` (a `data-` attribute of the body) passes `above`. */
export const waitCounter = (page, name, above) =>
  page.waitForFunction(([n, v]) => Number(document.body.dataset[n] || 0) > v, [name, above], { timeout: 300_000 });

/** Wait until everything an image view draws shows the model trained `steps` steps (0: shipped). */
export const waitRefreshedAt = (page, steps) =>
  page.waitForFunction((n) => document.body.dataset.refreshedAt === String(n), steps, { timeout: 300_000 });

/** The `data-KEY` attribute of the element with id `id`. */
/** The training panel's cost meter: whether it shows, its text and the operations it counts. */
export const trainingCost = (page) =>
  page.$eval('#train-cost', (c) => ({ shown: !c.parentElement.hidden, text: c.textContent, flops: Number(c.dataset.flops) }));
export const data = (page, id, key) => page.$eval(`#${id}`, (el, k) => el.dataset[k], key);
