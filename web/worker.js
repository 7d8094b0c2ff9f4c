// Hosts the wasm (iagen-web) so model work never blocks the page. The page sends
// {id, method, args} and gets {id, result} or {id, error}; long jobs (training,
// generation) also post progress events {event, ...} and check for stop/pause requests
// between short chunks.
import { fetchBytes as fetchFile, fetchText as fetchTextFile } from './fetching.js';

// The wasm comes in two builds (ARCHITECTURE.md, "Two builds of the wasm"): pkg/ with WebGPU,
// and pkg-cpu/ without it, smaller and with faster CPU kernels. `init` starts the CPU-only one,
// unless the page asked for the GPU for everything (`?backend=webgpu`); with a hardware adapter
// the WebGPU one is fetched when a family whose work is faster on a GPU first opens (`engineFor`).
// Until `init` has answered no other method runs (the page waits for it).
const BUILDS = { webgpu: './pkg/iagen_web.js', cpu: './pkg-cpu/iagen_web.js' };
// The builds being started or started, by name: promises of {module, chosen: init_backend's
// answer}, so that two sessions opening at once start a build once; and their memories (a trap
// with 4 GiB in use in any of them was memory exhausted).
const engines = {};
const memories = [];
// The build `init` started (it parses links).
let main = null;
// describeGpu's answer: whether to try the GPU, and for every family or by family.
let plan = null;

// The one model of this page, whatever its family (see web/families.js).
let session = null;
let stopRequested = false;
// How long one training chunk should take: Pause waits for the chunk in progress.
const CHUNK_MS = 150;
// How long one streamed chunk (characters) should take: short enough to look continuous.
const STREAM_MS = 40;
// Let queued messages (Pause, Stop) run: CPU reads resolve as microtasks and would not yield.
// A message to ourselves queues behind them like setTimeout would, without the 4 ms that
// browsers add to chained timeouts (a tenth of a streamed chunk).
// Each waiter has its own turn: two loops that yield at once (a run and a stream) both resume.
const turn = new MessageChannel();
const waiting = [];
turn.port1.onmessage = () => waiting.shift()();
const yieldToEvents = () =>
  new Promise((resolve) => {
    waiting.push(resolve);
    turn.port2.postMessage(null);
  });

// `requested` is the address's `?backend=` (cpu, webgpu, or anything else: choose). A software
// adapter (SwiftShader, llvmpipe) is slower than the CPU at everything here, so it is used
// only when asked for; with a real GPU, each family runs where its work is faster.
const NO_TIMESTAMPS = "the WebGPU adapter lacks the optional 'timestamp-query' feature, which burn's WebGPU runtime needs in a browser";
const SOFTWARE = /swiftshader|llvmpipe|lavapipe|software|basic render/i;
async function describeGpu(requested) {
  if (requested === 'cpu') return { tryGpu: false, why: 'forced' };
  if (!('gpu' in navigator) || !navigator.gpu) return { tryGpu: false, why: 'nogpu' };
  const adapter = await navigator.gpu.requestAdapter().catch(() => null);
  if (!adapter) return { tryGpu: false, why: 'noadapter' };
  const info = adapter.info || {};
  const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ');
  const forced = requested === 'webgpu';
  // Mesa's llvmpipe names itself only in `device` on some drivers.
  if (!forced && (info.isFallbackAdapter || SOFTWARE.test(`${name} ${info.device || ''}`)))
    return { tryGpu: false, why: 'software', adapter: name };
  // Burn's WebGPU runtime needs it in a browser (backend.rs checks the adapter wgpu gets, too).
  if (!adapter.features.has('timestamp-query')) return { tryGpu: false, why: 'notimestamps', error: NO_TIMESTAMPS, adapter: name };
  return { tryGpu: true, adapter: name, byFamily: !forced };
}

// Files are named relative to this script (also when the page started it from a blob, whose
// address is no base). With `progress`, the bytes received so far are posted as `progress`
// events (a shipped model can take seconds to arrive, and the page says how far it is).
function fetchBytes(url, progress = false) {
  let posted = 0;
  const onBytes = (loaded) => {
    if (Date.now() - posted > 100) {
      posted = Date.now();
      postMessage({ event: 'progress', url, loaded });
    }
  };
  return fetchFile(url, { base: import.meta.url, onBytes: progress ? onBytes : undefined });
}
const fetchText = (url) => fetchTextFile(url, { base: import.meta.url });

// What a run trains on: a typed `text`, or the file at `data`.
const trainingBytes = ({ data, text }) => (text !== undefined ? new TextEncoder().encode(text) : fetchBytes(data));
const errorText = (err) => String(err?.message ? err.message : err);

// Burn asks the adapter for its device inside the wasm; wrapping requestDevice lets the
// worker watch that device's `lost` promise (driver reset, GPU process crash) and tell the
// page, which then restarts on the CPU.
let onGpu = false;
function watchDeviceLoss() {
  const requestDevice = GPUAdapter.prototype.requestDevice;
  GPUAdapter.prototype.requestDevice = async function watched(...args) {
    const device = await requestDevice.apply(this, args);
    device.lost.then((info) => {
      if (onGpu) postMessage({ event: 'gpulost', message: info.message || info.reason || '' });
    });
    return device;
  };
}

/** Load and start build `name` (once), on the GPU when `gpu` (init_backend says whether it works). */
function startBuild(name, gpu) {
  engines[name] ??= (async () => {
    const module = await import(BUILDS[name]);
    // The first view streams its build; one fetched later goes through fetchBytes, which ends a
    // download that stalls with an error (the GPU then counts as failed: engineFor) and posts
    // its progress, then its end, arrived or not (the badge shows it: the WebGPU build is
    // several megabytes).
    let source;
    if (name !== 'cpu') {
      const url = BUILDS[name].replace(/\.js$/, '_bg.wasm');
      const bytes = fetchBytes(url, true);
      const ended = () => postMessage({ event: 'progress', url, done: true });
      bytes.then(ended, ended);
      source = { module_or_path: bytes };
    }
    const { memory } = await module.default(source);
    memories.push(memory);
    if (gpu) watchDeviceLoss();
    const chosen = await module.init_backend(gpu);
    onGpu ||= chosen.kind === 'webgpu';
    return { module, chosen };
  })();
  return engines[name];
}

/** Why the GPU is not used after all, as init's answer says it. */
const gpuRefused = (chosen, adapter) => ({ kind: 'cpu', why: chosen.why || 'failed', error: chosen.reason, adapter });

/**
 * The build a session of `family` runs in: the started one, or with a hardware adapter and a
 * family whose work pays on a GPU, the WebGPU build (fetched and started the first time). If
 * its GPU fails then, the page hears why (`gpufailed`) and every family stays on the CPU.
 */
async function engineFor(family) {
  if (!plan.byFamily || !main.module.gpu_pays(family)) return main;
  // A build that does not arrive (a network failure) is a GPU that failed: the CPU goes on.
  const gpu = await startBuild('webgpu', true).catch((err) => ({ chosen: { kind: 'cpu', reason: errorText(err) } }));
  if (gpu.chosen.kind === 'webgpu') return gpu;
  if (plan.byFamily) {
    plan.byFamily = false;
    postMessage({ event: 'gpufailed', ...gpuRefused(gpu.chosen, plan.adapter) });
  }
  return main;
}

const methods = {
  async init({ requested }) {
    plan = await describeGpu(requested);
    const { tryGpu, byFamily, ...said } = plan;
    if (tryGpu && !byFamily) {
      const gpu = await startBuild('webgpu', true);
      if (gpu.chosen.kind === 'webgpu') {
        main = gpu;
        return { kind: 'webgpu', adapter: plan.adapter, byFamily, build: 'webgpu' };
      }
      // Its GPU failed: the CPU-only build runs faster than the WebGPU build's own CPU path.
      main = await startBuild('cpu', false);
      return { ...gpuRefused(gpu.chosen, plan.adapter), build: 'cpu' };
    }
    main = await startBuild('cpu', false);
    // With a hardware adapter the GPU is tried when a family that pays first opens.
    return tryGpu ? { kind: 'webgpu', adapter: plan.adapter, byFamily, build: 'cpu' } : { kind: 'cpu', ...said, build: 'cpu' };
  },
  parseSpec: ({ hash }) => main.module.parse_spec(hash),
  encodeSpec: ({ pairs }) => main.module.encode_spec(pairs),

  // Shipped weights: assets/models/<name>.json (the manifest) and .bpk.
  async load({ family, name }) {
    const [manifest, weights, owner] = await Promise.all([
      fetchText(`assets/models/${name}.json`),
      fetchBytes(`assets/models/${name}.bpk`, true),
      engineFor(family),
    ]);
    replace(null);
    replace(owner.module.Session.pretrained(family, manifest, weights), owner);
    return { ...session.info(), manifest: JSON.parse(manifest) };
  },

  // A fresh run of `family` with `options`, on a typed `text` or the file at `data`.
  async newTraining({ family, options, data, text }) {
    const [bytes, owner] = await Promise.all([trainingBytes({ data, text }), engineFor(family)]);
    replace(null);
    replace(owner.module.Session.untrained(family, options, bytes), owner);
    return session.info();
  },

  // A saved model file: this run's weights (burnpack bytes), and a run of `family` opened from
  // a file's settings that goes on from its weights. The new session replaces the old one only
  // once the weights are in: a file that does not fit leaves the current model as it was.
  saveModel: () => session.weights(),
  async openModel({ family, options, data, text, weights, steps }) {
    const [bytes, owner] = await Promise.all([trainingBytes({ data, text }), engineFor(family)]);
    const opened = owner.module.Session.untrained(family, options, bytes);
    try {
      opened.restore(weights, steps);
    } catch (err) {
      opened.free();
      throw err;
    }
    replace(opened, owner);
    return session.info();
  },

  setLr: ({ lr }) => session.set_lr(lr),
  info: () => session.info(),
  stepFlops: () => session.step_flops() ?? null,

  // A family's own verb. `file`, when given, is fetched and handed over as bytes; `texts`
  // names arguments to fill with fetched text files ({manifest: url}, say).
  async verb({ name, args, file, texts = {} }) {
    const [bytes, ...fetched] = await Promise.all([file ? fetchBytes(file) : undefined, ...Object.values(texts).map(fetchText)]);
    const filled = Object.fromEntries(Object.keys(texts).map((key, i) => [key, fetched[i]]));
    return session.verb(name, { ...args, ...filled }, bytes);
  },

  // Train until `until` steps, in chunks of about CHUNK_MS (one step first, as a run's speed is
  // not known yet, then as many as the measured speed fits, up to four times `chunk`), so Pause answers within a fraction of
  // a second whatever a step costs; posts a `train` event per chunk (the named losses, held-out
  // losses every `valEvery` steps when set, the rate) and a `glimpse` (the family's verb
  // `glimpse.verb`) every `glimpse.every` steps. Chunking changes no result: every step is the
  // same whatever the chunks. Resolves with the reason it stopped: done, paused, diverged.
  async train({ until, chunk, valEvery, glimpse }) {
    stopRequested = false;
    let step = session.info().steps;
    const started = performance.now();
    const startStep = step;
    // The training steps' own speed, the first chunk (cold) left out: what `just bench` sets
    // beside the native trainer, which neither validates nor draws.
    const steady = { steps: 0, ms: 0, chunks: 0 };
    let size = 1;
    while (step < until) {
      const n = Math.min(size, until - step);
      const chunkStarted = performance.now();
      const out = await session.train(n);
      const chunkMs = performance.now() - chunkStarted;
      const msPerStep = chunkMs / n;
      if (steady.chunks++ > 0) {
        steady.steps += n;
        steady.ms += chunkMs;
      }
      size = Math.max(1, Math.min(4 * chunk, Math.round(CHUNK_MS / msPerStep)));
      step = out.step;
      const event = { event: 'train', step, losses: out.losses };
      if (out.losses === null) {
        postMessage(event);
        return { reason: 'diverged', step };
      }
      const due = (every) => every > 0 && (step % every < n || step === until);
      if (due(valEvery)) event.val = await session.validate(4);
      event.rate = (step - startStep) / Math.max((performance.now() - started) / 1000, 1e-3);
      if (steady.steps > 0) event.stepRate = steady.steps / (steady.ms / 1000);
      postMessage(event);
      if (glimpse && due(glimpse.every)) {
        postMessage({ event: 'glimpse', step, value: await session.verb(glimpse.verb, glimpse.args || {}) });
      }
      await yieldToEvents();
      if (stopRequested) return { reason: 'paused', step };
    }
    return { reason: 'done', step };
  },

  // Call verb `first` once, then verb `next` with `{count}` until `count` items in all, posting
  // each result as a `stream` event (the GPT's characters), until Stop; resolves with how many
  // items came and in how many milliseconds (the prompt's pass included). Chunks grow (at most
  // doubling) towards STREAM_MS each, so the text appears smoothly and Stop answers at once,
  // without a message and a redraw per character.
  async stream({ first, args, next, count }) {
    stopRequested = false;
    const started = performance.now();
    postMessage({ event: 'stream-start', value: await session.verb(first, args || {}) });
    let size = 4;
    let done = 0;
    while (done < count && !stopRequested) {
      const n = Math.min(size, count - done);
      const chunkStarted = performance.now();
      postMessage({ event: 'stream', value: await session.verb(next, { count: n }) });
      done += n;
      const fits = Math.round((STREAM_MS * n) / Math.max(performance.now() - chunkStarted, 1e-3));
      size = Math.max(1, Math.min(2 * n, fits));
      await yieldToEvents();
    }
    return { stopped: stopRequested, items: done, ms: performance.now() - started };
  },

  stop() {
    stopRequested = true;
  },
};

// The page's badge says where each session runs (with a real GPU it depends on the family).
// `owner`: the build `next` lives in.
function replace(next, owner) {
  session?.free();
  session = next;
  if (next) postMessage({ event: 'backend', kind: owner.module.backend_in_use() });
}

// A trap (a Rust panic, which the release build turns into an abort, or memory exhausted)
// leaves the wasm instance unusable: the worker says so once, with the panic's message when the
// panic hook (iagen-web's backend.rs) left one, and the page offers a reload. A trap inside an
// asynchronous wasm task escapes every call, hence the global listeners too.
let dead = null;
function die(err) {
  if (!dead) {
    dead = globalThis.iagenPanic || errorText(err);
    postMessage({ event: 'dead', message: dead, memoryBytes: Math.max(0, ...memories.map((m) => m.buffer.byteLength)) });
  }
  return dead;
}
addEventListener('error', (e) => {
  if (!(e.error instanceof WebAssembly.RuntimeError)) return;
  e.preventDefault(); // the page hears it once, as a `dead` event with what is known
  die(e.error);
});
addEventListener('unhandledrejection', (e) => {
  if (e.reason instanceof WebAssembly.RuntimeError) die(e.reason);
});

addEventListener('message', async ({ data: { id, method, args } }) => {
  try {
    if (dead) throw new Error(dead);
    const result = await methods[method](args || {});
    postMessage({ id, result });
  } catch (err) {
    const message = err instanceof WebAssembly.RuntimeError ? die(err) : errorText(err);
    postMessage({ id, error: message });
  }
});
