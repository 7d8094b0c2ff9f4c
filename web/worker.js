// Hosts the wasm (iagen-web) so model work never blocks the page. The page sends
// {id, method, args} and gets {id, result} or {id, error}; long jobs (training,
// generation) also post progress events {event, ...} and check for stop/pause requests
// between short chunks.
import init, {
  init_backend, parse_spec, encode_spec, class_of_word, GptSession, DiffusionSession,
} from './pkg/iagen_web.js';

let session = null; // the GPT
let diffusion = null;
let stopRequested = false;
// Let queued messages (Pause, Stop) run: CPU reads resolve as microtasks and would not yield.
const yieldToEvents = () => new Promise((resolve) => setTimeout(resolve, 0));

async function describeGpu(forceCpu) {
  if (forceCpu) return { tryGpu: false, why: 'forced' };
  if (!('gpu' in navigator) || !navigator.gpu) return { tryGpu: false, why: 'nogpu' };
  const adapter = await navigator.gpu.requestAdapter().catch(() => null);
  if (!adapter) return { tryGpu: false, why: 'noadapter' };
  const info = adapter.info || {};
  const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ');
  return { tryGpu: true, adapter: name };
}

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function fetchText(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}

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

const methods = {
  async init({ forceCpu }) {
    await init();
    const gpu = await describeGpu(forceCpu);
    if (gpu.tryGpu) watchDeviceLoss();
    const chosen = await init_backend(gpu.tryGpu);
    onGpu = chosen.kind === 'webgpu';
    if (onGpu) return { kind: 'webgpu', adapter: gpu.adapter };
    return gpu.tryGpu ? { kind: 'cpu', why: 'failed', error: chosen.reason } : { kind: 'cpu', why: gpu.why };
  },
  parseSpec: ({ hash }) => parse_spec(hash),
  encodeSpec: ({ pairs }) => encode_spec(pairs),

  async loadPretrained({ name }) {
    const [manifest, weights] = await Promise.all([
      fetchText(`assets/models/${name}.json`),
      fetchBytes(`assets/models/${name}.bpk`),
    ]);
    session?.free();
    session = GptSession.pretrained(manifest, weights);
    return { ...session.info(), manifest: JSON.parse(manifest) };
  },

  async newTraining({ data, text, size, ctx, batch, lr, seed }) {
    const corpus = data === 'custom' ? text : await fetchText(`assets/data/${data}.txt`);
    session?.free();
    session = null;
    session = GptSession.untrained(corpus, size, ctx, batch, lr, seed);
    return session.info();
  },

  setLr: ({ lr }) => session.set_lr(lr),

  // Train until `until` steps, in chunks; posts `train` events and a sample every
  // `sampleEvery` steps. Resolves with the reason it stopped: done, paused, diverged.
  async train({ until, chunk, valEvery, sampleEvery }) {
    stopRequested = false;
    let step = session.info().steps;
    let started = performance.now();
    let startStep = step;
    while (step < until) {
      const n = Math.min(chunk, until - step);
      const out = await session.train(n);
      step = out.step;
      const event = { event: 'train', step, loss: out.loss };
      if (out.loss === null) {
        postMessage(event);
        return { reason: 'diverged', step };
      }
      if (step % valEvery < n || step === until) event.val = await session.validate(4);
      const seconds = (performance.now() - started) / 1000;
      event.rate = (step - startStep) / Math.max(seconds, 1e-3);
      postMessage(event);
      if (step % sampleEvery < n || step === until) {
        postMessage({ event: 'sample', step, text: await sampleText('', 120, 0.8, 1) });
      }
      await yieldToEvents();
      if (stopRequested) return { reason: 'paused', step };
    }
    return { reason: 'done', step };
  },

  stop() {
    stopRequested = true;
  },

  // Stream `len` characters after `prompt`: a `gen` event per character.
  async generate({ prompt, len, seed, temp, topk, topp }) {
    stopRequested = false;
    const first = await session.start(prompt, seed, temp, topk, topp);
    postMessage({ event: 'gen-start', unknown: first.unknown, top: first.top });
    for (let i = 0; i < len && !stopRequested; i++) {
      const { ch, top } = await session.next();
      postMessage({ event: 'gen', ch, top });
      if (i % 4 === 3) await yieldToEvents();
    }
    return { stopped: stopRequested };
  },

  inspect: ({ text, layer, head, temp, topk, topp }) => session.inspect(text, layer, head, temp, topk, topp),
  info: () => session.info(),

  // ---- diffusion ----
  classOfWord: ({ data, word, lang }) => class_of_word(data, word, lang),

  async diffLoad({ data }) {
    const [manifest, weights] = await Promise.all([
      fetchText(`assets/models/diffusion-${data}.json`),
      fetchBytes(`assets/models/diffusion-${data}.bpk`),
    ]);
    diffusion?.free();
    diffusion = DiffusionSession.pretrained(manifest, weights);
    await loadJudge(data);
    return { ...diffusion.info(), manifest: JSON.parse(manifest) };
  },

  async diffNewTraining({ data, size, sched, tmax, batch, lr, seed }) {
    const records = await fetchBytes(`assets/data/${data}.bin`);
    diffusion?.free();
    diffusion = null;
    diffusion = DiffusionSession.untrained(data, records, size, sched, tmax, batch, lr, seed);
    await loadJudge(data);
    return diffusion.info();
  },

  // Real images for the forward process, fetched only when a student opens it.
  async diffImages({ data }) {
    if (!diffusion.has_images()) diffusion.set_images(await fetchBytes(`assets/data/${data}.bin`));
  },
  diffNoised: ({ index, t, seed }) => diffusion.noised(index, t, seed),
  diffStart: ({ labels, sampler, k, guidance, seed }) => diffusion.start(Int32Array.from(labels), sampler, k, guidance, seed),
  diffStep: () => diffusion.step(),
  diffClassify: ({ pixels, n }) => diffusion.classify(pixels, n),
  diffSetLr: ({ lr }) => diffusion.set_lr(lr),

  // Train until `until` steps in chunks, posting `dtrain` events and a `dpreview` (a few
  // quick samples) every `previewEvery` steps. Resolves with why it stopped.
  async diffTrain({ until, chunk, previewEvery }) {
    stopRequested = false;
    let step = diffusion.info().steps;
    const started = performance.now();
    const startStep = step;
    while (step < until) {
      const n = Math.min(chunk, until - step);
      const out = await diffusion.train(n);
      step = out.step;
      const rate = (step - startStep) / Math.max((performance.now() - started) / 1000, 1e-3);
      postMessage({ event: 'dtrain', step, loss: out.loss, rate });
      if (out.loss === null) return { reason: 'diverged', step };
      if (step % previewEvery < n || step === until) postMessage({ event: 'dpreview', step, pixels: await preview() });
      await yieldToEvents();
      if (stopRequested) return { reason: 'paused', step };
    }
    return { reason: 'done', step };
  },
};

async function loadJudge(data) {
  const [manifest, weights] = await Promise.all([
    fetchText(`assets/models/judge-${data}.json`),
    fetchBytes(`assets/models/judge-${data}.bpk`),
  ]);
  diffusion.set_judge(manifest, weights);
}

// Four quick samples (classes 0–3, DDIM, 10 steps) to watch the model learn.
async function preview() {
  diffusion.start([0, 1, 2, 3], 'ddim', 10, 3, 1);
  let last = null;
  for (let out = await diffusion.step(); out; out = await diffusion.step()) last = out.next;
  return last;
}

async function sampleText(prompt, len, temp, seed) {
  await session.start(prompt, seed, temp, 0, 1);
  let text = '';
  for (let i = 0; i < len; i++) text += (await session.next()).ch;
  return text;
}

onmessage = async ({ data: { id, method, args } }) => {
  try {
    const result = await methods[method](args || {});
    postMessage({ id, result });
  } catch (err) {
    postMessage({ id, error: String(err && err.message ? err.message : err) });
  }
};
