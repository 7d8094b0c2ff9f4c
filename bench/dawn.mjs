// Every family's unit of work as the page runs it: the page's own worker (web/worker.js) and
// wasm (web/pkg and web/pkg-cpu, or DIR's with --pkg DIR), in Node, on WebGPU through Dawn (npm `webgpu`) and on the CPU
// path, each backend in a child process (a worker starts each wasm build once), with the GPU work each unit
// asks for: compute dispatches (kernels), passes, submits, buffer writes and read-backs (mapAsync),
// counted by wrapping Dawn's methods (bench/node_worker.mjs). Each unit is timed `--repeat`
// times after `--warmup` untimed runs; the table gives min / median / max.
//
//   node bench/dawn.mjs                       WebGPU, the CPU, WebGPU again (WebGPU needs a GPU)
//   node bench/dawn.mjs --backend cpu --quick the CPU path in seconds, no GPU (a check of the worker)
//   node bench/dawn.mjs --flags backend=opengles --compat   Dawn on OpenGL ES (EGL_PLATFORM=surfaceless)
//   node bench/dawn.mjs --backend webgpu --host-only   Dawn's null backend: the host's side of the GPU
//               path alone (wasm, glue, Dawn's validation), on any machine — what a kernel costs before a GPU runs it
//   --profile P a V8 CPU profile of each unit's timed runs (P-webgpu0-unit.cpuprofile…) and where the time went
//               (the profiler slows the runs: take the times from a run without it)
//   --pkg DIR   a folder with the builds to run (pkg/, pkg-cpu/)   --json FILE   the results as JSON too
//   --units a,b the units to run (names below)     --repeat N --warmup N
//
// On a GPU machine bench/gpu-dawn.sh runs it (README, "A real GPU").
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

// What each unit opens once (untimed) and what one timed run does; `items` is how many units one
// run holds (characters per `next` call), so times and counts are per unit.
const UNITS = {
  char: {
    what: 'refranes, one character (steady)',
    items: ({ gpu, quick }) => (quick ? 20 : gpu ? 30 : 300),
    async open(call) {
      await call('load', { family: 'gpt', name: 'refranes' });
      await call('verb', { name: 'start', args: { prompt: 'A', seed: 1, temp: 0.8, topk: 0, topp: 1 } });
    },
    run: (call, n) => call('verb', { name: 'next', args: { count: n } }),
  },
  gptstep: {
    what: 'nano GPT training step (b16, ctx 64)',
    open: (call) =>
      call('newTraining', {
        family: 'gpt',
        options: { size: 'nano', ctx: 64, batch: 16, lr: 3e-3, seed: 42, lines: 0 },
        data: 'assets/data/refranes.txt',
      }),
    run: trainOne,
  },
  denoise: {
    what: 'denoising step, digits (16 samples, guidance)',
    async open(call) {
      await call('load', { family: 'diffusion', name: 'diffusion-mnist' });
      const labels = Array.from({ length: 16 }, (_, i) => i % 10);
      // 1000 steps: the run never reaches the clean image (the page's `dsteps` at its most).
      await call('verb', { name: 'start', args: { labels, sampler: 'ddim', k: 1000, guidance: 3, seed: 1 } });
    },
    async run(call) {
      if (!(await call('verb', { name: 'step' }))) throw new Error('denoising ended');
    },
  },
  vaestep: {
    what: 'VAE training step (latent 2, b16)',
    open: (call) =>
      call('newTraining', {
        family: 'vae',
        options: { data: 'mnist', latent: 2, beta: 1, batch: 16, lr: 3e-3, seed: 42 },
        data: 'assets/data/mnist.bin',
      }),
    run: trainOne,
  },
  ganround: {
    what: 'image GAN round (b32)',
    async open(call) {
      await call('newTraining', {
        family: 'ganimg',
        options: { data: 'mnist', batch: 32, lr: 2e-4, seed: 42 },
        data: 'assets/data/mnist.bin',
      });
      // As the view starts a run by default: fine-tuning the shipped networks.
      await call('verb', { name: 'resume', file: 'assets/models/gan-mnist.bpk' });
    },
    run: trainOne,
  },
  gangrid: {
    what: 'image GAN grid of 64',
    open: (call) => call('load', { family: 'ganimg', name: 'gan-mnist' }),
    run: (call) => call('verb', { name: 'generate', args: { seed: 7, n: 64, class: -1 } }),
  },
};

/** One training step (one GAN round) with its losses read back, as one chunk of the page's. */
let trained = null; // the open run's steps (null: ask the session, once)
async function trainOne(call) {
  trained ??= (await call('info')).steps;
  const done = await call('train', { until: trained + 1, chunk: 1 });
  if (done.reason !== 'done') throw new Error(`training ${done.reason}`);
  trained = done.step;
}

const { values: opts } = parseArgs({
  options: {
    backend: { type: 'string', default: 'both' },
    flags: { type: 'string', default: '' },
    compat: { type: 'boolean', default: false },
    'host-only': { type: 'boolean', default: false },
    profile: { type: 'string' },
    mask: { type: 'string', default: '' },
    pkg: { type: 'string' },
    units: { type: 'string', default: Object.keys(UNITS).join(',') },
    repeat: { type: 'string' },
    warmup: { type: 'string' },
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
    child: { type: 'string' },
  },
});

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const range = (u) => (u ? `${fmt(u.median)} ms (${fmt(u.min)}–${fmt(u.max)})` : '–');

/** V8's sampling profiler on this process (the worker runs on its main thread). */
async function startProfiler() {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 250 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      return profile;
    },
  };
}

/**
 * A profile's busy time by where it was spent: the wasm's own code; Dawn (what runs under one of
 * the wasm's imports — wasm-bindgen's `__wbg_…` glue, which builds the descriptors and calls
 * Dawn's native methods — or under this harness's wrappers of them); the rest of JavaScript (the
 * worker, the harness); V8's own (GC, compilation). Idle time (waiting for a read-back) is left out.
 */
function whereTimeWent(profile) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map(profile.nodes.flatMap((n) => (n.children ?? []).map((c) => [c, n])));
  const spent = { wasm: 0, Dawn: 0, JavaScript: 0, V8: 0 };
  const isWasm = (frame) => frame.url.startsWith('wasm://');
  const isGlue = (frame) => frame.functionName.startsWith('__wbg_') || ['counted', 'probeAnswered'].includes(frame.functionName);
  const underGlue = (node) => {
    for (let n = node; n && !isWasm(n.callFrame); n = parent.get(n.id)) if (isGlue(n.callFrame)) return true;
    return false;
  };
  profile.samples.forEach((id, i) => {
    const node = nodes.get(id);
    const frame = node.callFrame;
    if (frame.functionName === '(idle)') return;
    const where = isWasm(frame) ? 'wasm' : underGlue(node) ? 'Dawn' : frame.url ? 'JavaScript' : 'V8';
    spent[where] += profile.timeDeltas[i] ?? 0;
  });
  const total = Object.values(spent).reduce((a, b) => a + b, 0);
  return Object.entries(spent)
    .map(([where, us]) => `${where} ${((100 * us) / total).toFixed(0)} %`)
    .join(', ');
}

/**
 * One worker: `config.backend` is `webgpu` (Dawn, `config.gpu` its options) or `cpu` (no
 * WebGPU); `config.requested` is the page's `?backend=` (default: the backend's name; null: let
 * the worker choose). Resolves with what `init` answered, the adapter Dawn offers, where each
 * unit ran and its times and GPU counts, and the wasm files the worker loaded.
 */
async function child(config) {
  const { startWorker, gpuCounts, fetchedWasm } = await import('./node_worker.mjs');
  const gpu = config.backend === 'webgpu';
  const worker = await startWorker({ gpu: gpu ? config.gpu : null, pkg: config.pkg });
  const out = { backend: config.backend, adapter: null, units: {} };
  if (gpu) {
    const adapter = await navigator.gpu.requestAdapter();
    if (adapter) {
      const { vendor, architecture, device, description } = adapter.info;
      out.adapter = { vendor, architecture, device, description, features: [...adapter.features].sort() };
    }
  }
  const started = performance.now();
  const requested = config.requested === undefined ? config.backend : config.requested;
  out.init = await worker.call('init', { requested: requested ?? undefined });
  out.initMs = performance.now() - started;
  console.error(`[${config.backend}] init ${JSON.stringify(out.init)} in ${out.initMs.toFixed(0)} ms`);
  const onGpu = out.init.kind === 'webgpu';
  const warmup = config.warmup ?? (config.quick ? 1 : onGpu ? 5 : 2);
  const repeat = config.repeat ?? (config.quick ? 2 : onGpu ? 12 : 6);
  for (const name of config.units) {
    const unit = UNITS[name];
    const items = unit.items?.({ gpu: onGpu, quick: config.quick }) ?? 1;
    const opened = performance.now();
    trained = null;
    await unit.open(worker.call);
    const ranOn = worker.events.filter((e) => e.event === 'backend').at(-1)?.kind;
    const openMs = performance.now() - opened;
    // The first run in this process: kernels compiled (fused too) as they meet their first input,
    // but for those an earlier unit or the opening already compiled.
    let firstMs = null;
    for (let i = 0; i < warmup; i++) {
      const t = performance.now();
      await unit.run(worker.call, items);
      firstMs ??= (performance.now() - t) / items;
    }
    const ms = [];
    const counts = [];
    const profiler = config.profile ? await startProfiler() : null;
    for (let i = 0; i < repeat; i++) {
      const before = { ...gpuCounts };
      const t = performance.now();
      await unit.run(worker.call, items);
      ms.push((performance.now() - t) / items);
      counts.push(Object.fromEntries(Object.keys(gpuCounts).map((k) => [k, (gpuCounts[k] - before[k]) / items])));
    }
    if (profiler) {
      const profile = await profiler.stop();
      writeFileSync(`${config.profile}-${config.backend}${config.run ?? ''}-${name}.cpuprofile`, JSON.stringify(profile));
      console.error(`[${config.backend}] ${name}: where the time went: ${whereTimeWent(profile)}`);
    }
    const perUnit = Object.fromEntries(Object.keys(gpuCounts).map((k) => [k, median(counts.map((c) => c[k]))]));
    out.units[name] = {
      what: unit.what,
      ranOn,
      openMs,
      firstMs,
      items,
      warmup,
      ms,
      min: Math.min(...ms),
      median: median(ms),
      max: Math.max(...ms),
      gpu: perUnit,
    };
    console.error(
      `[${config.backend}] ${name}: ${fmt(median(ms))} ms (${fmt(Math.min(...ms))}–${fmt(Math.max(...ms))}), ${fmt(perUnit.dispatches)} kernels, ${fmt(perUnit.submits)} submits, on ${ranOn}`,
    );
  }
  out.dead = worker.dead()?.message ?? null;
  out.builds = fetchedWasm; // which of the wasm's two builds the worker loaded, in order
  out.gpufailed = worker.events.find((e) => e.event === 'gpufailed') ?? null;
  return out;
}

/** Run one backend in a child process; resolves with its results. */
function runChild(config) {
  return new Promise((done, reject) => {
    const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', JSON.stringify(config)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    proc.stdout.on('data', (d) => {
      stdout += d;
    });
    proc.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (code === 0 && line) done(JSON.parse(line.slice(7)));
      else reject(new Error(`the ${config.backend} run failed (exit ${code})\n${stdout}`));
    });
  });
}

if (opts.child) {
  try {
    const result = await child(JSON.parse(opts.child));
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
    process.exit(0);
  } catch (err) {
    console.error(err);
    process.exit(1);
  }
} else {
  // `both` is a WebGPU run, the CPU run, then a second WebGPU run in a fresh process: GPU timings
  // through Dawn vary between processes more than within one, so the table shows both.
  const backends = opts.backend === 'both' ? ['webgpu', 'cpu', 'webgpu'] : opts.backend.split(',');
  const units = opts.units.split(',').filter(Boolean);
  for (const u of units) if (!UNITS[u]) throw new Error(`no unit ${u} (${Object.keys(UNITS).join(', ')})`);
  const gpu = {
    flags: opts.flags.split(',').filter(Boolean),
    compat: opts.compat,
    mask: opts.mask.split(',').filter(Boolean),
    hostOnly: opts['host-only'],
  };
  const common = {
    units,
    pkg: opts.pkg,
    quick: opts.quick,
    profile: opts.profile,
    gpu,
    repeat: opts.repeat ? Number(opts.repeat) : undefined,
    warmup: opts.warmup ? Number(opts.warmup) : undefined,
  };
  // A run that fails is reported and the others still run (a GPU machine's time is dear).
  const runs = [];
  for (const [run, backend] of backends.entries()) {
    try {
      const result = await runChild({ ...common, backend, run });
      if (result.init.kind !== backend) throw new Error(`${backend} asked for, the worker chose ${JSON.stringify(result.init)}`);
      if (result.dead) throw new Error(`the worker died: ${result.dead}`);
      runs.push(result);
    } catch (err) {
      console.error(`the ${backend} run failed: ${err.message}`);
      process.exitCode = 1;
    }
  }
  const web = runs.filter((r) => r.backend === 'webgpu');
  const cpu = runs.find((r) => r.backend === 'cpu');
  const adapter = web[0]?.adapter;
  const where = adapter ? [adapter.vendor, adapter.architecture, adapter.device, adapter.description].filter(Boolean).join(' ') : '';
  console.log(`\nthe page's worker and wasm in Node ${process.version}${web.length ? `; WebGPU: Dawn on ${where}` : ''}`);
  console.log('ms per unit: median (min–max) of the timed runs; GPU work per unit: compute dispatches, submits, read-backs (mapAsync)');
  if (gpu.hostOnly) console.log("WebGPU on Dawn's null backend: kernels do nothing, so the times are the host's side alone");
  const head = web.map((_, i) => `page on WebGPU, run ${i + 1}`);
  const columns = [...head, 'first run', 'µs a kernel', 'kernels', 'submits', 'read-backs', 'page on CPU (wasm, 1 thread)'];
  console.log(`| work, per unit | ${columns.join(' | ')} |`);
  console.log(`| --- |${' --- |'.repeat(columns.length)}`);
  for (const u of units) {
    const g = web[0]?.units[u].gpu;
    const first = web[0]?.units[u].firstMs;
    const cells = [
      ...web.map((r) => range(r.units[u])),
      first ? `${fmt(first)} ms` : '–',
      g?.dispatches ? fmt((1000 * web[0].units[u].median) / g.dispatches) : '–',
      g ? fmt(g.dispatches) : '–',
      g ? fmt(g.submits) : '–',
      g ? fmt(g.reads) : '–',
      range(cpu?.units[u]),
    ];
    console.log(`| ${UNITS[u].what} | ${cells.join(' | ')} |`);
  }
  if (opts.json) writeFileSync(opts.json, `${JSON.stringify(runs, null, 2)}\n`);
}
