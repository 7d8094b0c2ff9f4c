// The page's worker and wasm without a browser (bench/node_worker.mjs: Node, with Dawn's WebGPU
// from npm `webgpu` or none), on lesser adapters: every family's unit of work on the CPU path,
// and WebGPU adapters that burn's runtime cannot use — without `timestamp-query` (cubecl-wgpu
// panics on wasm at the first kernel of such an adapter: "Cannot profile on web assembly
// without timestamp_query feature"), a compatibility-mode adapter (Dawn on OpenGL ES, Mesa's
// llvmpipe), a core adapter whose kernels compute nothing (Dawn's null backend) — each gets
// the CPU with the reason said, or a working WebGPU, never a dead worker.
// Needs web/pkg and web/pkg-cpu (`just wasm`; IAGEN_PKG=DIR runs the builds in DIR/pkg, DIR/pkg-cpu), and for the OpenGL ES adapter Mesa's EGL and GLES (Debian:
// libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DAWN = fileURLToPath(new URL('../../bench/dawn.mjs', import.meta.url));
const UNITS = ['char', 'gptstep', 'denoise', 'vaestep', 'ganround', 'gangrid'];

/** Node run with `args` in a child process, with `env` added: the JSON of its `RESULT ` line. */
function childResult(args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) resolve(JSON.parse(line.slice(7)));
      else reject(new Error(`worker exited ${code}\n${out}\n${err.slice(-4000)}`));
    });
  });
}

/** One worker in a child process (bench/dawn.mjs --child): its `init`, adapter and units. */
const worker = (config, env = {}) =>
  childResult([DAWN, '--child', JSON.stringify({ quick: true, repeat: 1, warmup: 0, pkg: process.env.IAGEN_PKG, ...config })], env);

/** The worker chose the CPU because of the adapter, said so, and then ran `unit` there. */
function refused(result, unit = 'char') {
  assert.equal(result.dead, null, 'the worker died');
  assert.equal(result.init.kind, 'cpu', JSON.stringify(result.init));
  assert.equal(result.init.why, 'notimestamps', JSON.stringify(result.init));
  assert.match(result.init.error ?? '', /timestamp-query/);
  // Refused before any wasm loads: the page's smaller CPU-only build runs.
  assert.equal(result.init.build, 'cpu', JSON.stringify(result.init));
  assert.deepEqual(result.builds, ['pkg-cpu/iagen_web_bg.wasm']);
  assert.equal(result.units[unit].ranOn, 'cpu');
  assert.ok(result.units[unit].median > 0);
}

test('every family works through the worker on the CPU path (no browser, no GPU)', async () => {
  const result = await worker({ backend: 'cpu', units: UNITS });
  assert.equal(result.dead, null);
  assert.deepEqual(result.init, { kind: 'cpu', why: 'forced', build: 'cpu' });
  for (const unit of UNITS) {
    assert.equal(result.units[unit].ranOn, 'cpu', unit);
    assert.ok(result.units[unit].median > 0, unit);
  }
});

// Dawn's null backend is a core adapter with every feature (timestamp-query among them) whose
// kernels do nothing: with the feature hidden, it stands for a browser or GPU without it.
const NULL_ADAPTER = { flags: ['backend=null'] };

for (const requested of [null, 'webgpu']) {
  const how = requested ? '?backend=webgpu' : 'the page choosing';
  test(`an adapter without timestamp-query gets the CPU, said why (${how})`, async () => {
    const result = await worker({ backend: 'webgpu', requested, gpu: { ...NULL_ADAPTER, mask: ['timestamp-query'] }, units: ['char'] });
    assert.ok(result.adapter, 'Dawn gave no null adapter');
    assert.ok(!result.adapter.features.includes('timestamp-query'));
    refused(result);
  });
}

test('an adapter whose kernels compute nothing gets the CPU, said why', async () => {
  const result = await worker({ backend: 'webgpu', requested: 'webgpu', gpu: NULL_ADAPTER, units: ['char'] });
  assert.ok(result.adapter.features.includes('timestamp-query'));
  assert.equal(result.dead, null);
  assert.equal(result.init.kind, 'cpu', JSON.stringify(result.init));
  assert.match(result.init.error, /test kernel/);
  // Tried in the WebGPU build, then run in the CPU-only one (faster on the CPU).
  assert.equal(result.init.build, 'cpu');
  assert.deepEqual(result.builds, ['pkg/iagen_web_bg.wasm', 'pkg-cpu/iagen_web_bg.wasm']);
  assert.equal(result.units.char.ranOn, 'cpu');
});

test('a compatibility-mode adapter (Dawn on OpenGL ES, llvmpipe) gets the CPU, said why', async () => {
  const result = await worker(
    { backend: 'webgpu', requested: 'webgpu', gpu: { flags: ['backend=opengles'], compat: true }, units: ['char', 'denoise'] },
    { EGL_PLATFORM: 'surfaceless' },
  );
  assert.ok(result.adapter, 'no OpenGL ES adapter: Mesa EGL and GLES missing (Debian: libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri)');
  assert.ok(!result.adapter.features.includes('core-features-and-limits'), 'not a compatibility-mode adapter');
  assert.ok(!result.adapter.features.includes('timestamp-query'));
  refused(result);
  assert.equal(result.units.denoise.ranOn, 'cpu');
});

// With a hardware adapter and nothing forced, the page starts on the CPU-only build and fetches
// the WebGPU one when a family whose work pays on a GPU first opens (web/worker.js). Chromium's
// SwiftShader through Dawn's Vulkan backend (its Vulkan loader: Debian's libvulkan1), dressed as
// hardware, stands for the GPU.
const SWIFTSHADER_VULKAN = { VK_DRIVER_FILES: '/usr/lib/chromium/vk_swiftshader_icd.json' };

test('a hardware adapter: the GPT runs in the CPU-only build, the diffusion model in the WebGPU build, fetched when it opens', async () => {
  const cpuOnly = await worker({ backend: 'webgpu', requested: null, gpu: { hardware: true }, units: ['char'] }, SWIFTSHADER_VULKAN);
  assert.ok(cpuOnly.adapter, "no Vulkan adapter: libvulkan1 or Chromium's SwiftShader missing");
  assert.equal(cpuOnly.dead, null);
  assert.deepEqual(cpuOnly.init, { kind: 'webgpu', adapter: 'test a test GPU', byFamily: true, build: 'cpu' });
  assert.equal(cpuOnly.units.char.ranOn, 'cpu');
  assert.deepEqual(cpuOnly.builds, ['pkg-cpu/iagen_web_bg.wasm'], 'only the CPU-only build downloaded');

  const both = await worker(
    { backend: 'webgpu', requested: null, gpu: { hardware: true }, units: ['char', 'denoise', 'vaestep'] },
    SWIFTSHADER_VULKAN,
  );
  assert.equal(both.dead, null);
  assert.equal(both.units.char.ranOn, 'cpu');
  assert.equal(both.units.denoise.ranOn, 'webgpu');
  assert.ok(both.units.denoise.gpu.dispatches > 100, JSON.stringify(both.units.denoise.gpu));
  assert.equal(both.units.vaestep.ranOn, 'cpu');
  assert.deepEqual(both.builds, ['pkg-cpu/iagen_web_bg.wasm', 'pkg/iagen_web_bg.wasm']);
});

test('a hardware adapter whose GPU fails when the diffusion model first opens: the page hears why, and every model runs on the CPU', async () => {
  const result = await worker({ backend: 'webgpu', requested: null, gpu: { ...NULL_ADAPTER, hardware: true }, units: ['denoise', 'char'] });
  assert.equal(result.dead, null);
  assert.equal(result.init.byFamily, true);
  assert.equal(result.init.build, 'cpu');
  assert.equal(result.gpufailed?.kind, 'cpu', JSON.stringify(result.gpufailed));
  assert.match(result.gpufailed.error, /test kernel/);
  assert.equal(result.units.denoise.ranOn, 'cpu');
  assert.equal(result.units.char.ranOn, 'cpu');
});

test('a hardware adapter whose WebGPU build does not arrive: the page hears why, and the diffusion model runs on the CPU', async () => {
  // A folder with the CPU-only build and no WebGPU build (a download that failed).
  const builds = mkdtempSync(join(tmpdir(), 'iagen-builds-'));
  symlinkSync(fileURLToPath(new URL('../../web/pkg-cpu', import.meta.url)), join(builds, 'pkg-cpu'));
  const result = await worker({
    backend: 'webgpu',
    requested: null,
    gpu: { ...NULL_ADAPTER, hardware: true },
    units: ['denoise'],
    pkg: builds,
  });
  assert.equal(result.dead, null);
  assert.equal(result.init.build, 'cpu');
  assert.match(result.gpufailed?.error ?? '', /iagen_web\.js/, JSON.stringify(result.gpufailed));
  assert.equal(result.units.denoise.ranOn, 'cpu');
});

test('two GPU families opening at once start the WebGPU build once', async () => {
  const script = `
    import { startWorker, fetchedWasm } from ${JSON.stringify(new URL('../../bench/node_worker.mjs', import.meta.url).href)};
    const worker = await startWorker({ gpu: { hardware: true } });
    await worker.call('init', {});
    await Promise.all([
      worker.call('load', { family: 'diffusion', name: 'diffusion-mnist' }),
      worker.call('load', { family: 'ganimg', name: 'gan-mnist' }),
    ]);
    const said = worker.events.filter((e) => e.event === 'backend' || e.event === 'gpufailed');
    console.log('RESULT ' + JSON.stringify({ builds: fetchedWasm, said, dead: worker.dead() }));
    process.exit(0);`;
  const out = await childResult(['--input-type=module', '-e', script], SWIFTSHADER_VULKAN);
  assert.equal(out.dead, null);
  assert.deepEqual(out.builds, ['pkg-cpu/iagen_web_bg.wasm', 'pkg/iagen_web_bg.wasm']);
  assert.deepEqual(out.said, [
    { event: 'backend', kind: 'webgpu' },
    { event: 'backend', kind: 'webgpu' },
  ]);
});
