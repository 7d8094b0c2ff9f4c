// The page's own worker (web/worker.js) and wasm, run in Node instead of a browser: WebGPU from
// npm `webgpu` (Dawn, Chrome's implementation) or none, the worker's message protocol driven
// directly, and the GPU work counted in JavaScript (cubecl's launch observer is native only).
//
// What the worker needs from its host, and how Node gives it:
// - wgpu's wasm backend looks for `Window` or `WorkerGlobalScope` on the global object before it
//   reads `navigator.gpu`: `WorkerGlobalScope` is an empty class and `navigator` holds Dawn's GPU
//   (with Dawn's `GPU…` classes on globalThis, as in a browser);
// - files: `fetch` reads relative and `file:` addresses from web/ (the wasm with its MIME type,
//   so `instantiateStreaming` takes it);
// - messages: `postMessage` and `addEventListener` are the worker's side of a port this module
//   holds; a wasm trap in a task no call awaits reaches the worker's `unhandledrejection` or
//   `error` listener as in a browser.
//
// One worker per process (the worker keeps module state, and each wasm build one instance and one backend),
// so the benchmark (bench/dawn.mjs) runs each backend in its own child process.
import { cpSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const WEB = fileURLToPath(new URL('../web/', import.meta.url));

const MIME = { '.wasm': 'application/wasm', '.js': 'text/javascript', '.json': 'application/json' };

/** The wasm files the worker fetched (which of its two builds it loaded), in order. */
export const fetchedWasm = [];

/** GPU work the page's wasm asked Dawn for, counted by wrapping Dawn's methods. */
export const gpuCounts = { dispatches: 0, passes: 0, submits: 0, reads: 0, writes: 0, pipelines: 0 };

function count(proto, method, key) {
  const original = proto[method];
  proto[method] = function counted(...args) {
    gpuCounts[key]++;
    return original.apply(this, args);
  };
}

/**
 * Dawn's `navigator.gpu`, created with `flags` (`backend=opengles`, `adapter=…`, Dawn toggles).
 * `compat` asks every adapter request for a compatibility-mode adapter (what a browser may hand
 * out where only OpenGL ES is there); `mask` lists adapter features to hide (an adapter without
 * `timestamp-query`, say). `hostOnly` is Dawn's null backend, whose kernels do nothing: what a
 * unit costs there is the host's side of the GPU path alone (the wasm, its JavaScript glue,
 * Dawn's validation and encoding), the per-dispatch cost a real GPU adds its own work to. The
 * worker's test kernel (a sum, 6) would fail there, so the first read-back is answered 6.
 * Returns the GPU object; Dawn's classes go on globalThis.
 */
export async function dawnGpu({ flags = [], compat = false, mask = [], hardware = false, hostOnly = false } = {}) {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  if (hostOnly) {
    flags = [...flags, 'backend=null'];
    const mapped = globals.GPUBuffer.prototype.getMappedRange;
    let probed = false;
    globals.GPUBuffer.prototype.getMappedRange = function probeAnswered(...args) {
      const range = mapped.apply(this, args);
      if (!probed) new Float32Array(range, 0, 1)[0] = 6;
      probed = true;
      return range;
    };
  }
  count(globals.GPUComputePassEncoder.prototype, 'dispatchWorkgroups', 'dispatches');
  count(globals.GPUComputePassEncoder.prototype, 'dispatchWorkgroupsIndirect', 'dispatches');
  count(globals.GPUCommandEncoder.prototype, 'beginComputePass', 'passes');
  count(globals.GPUQueue.prototype, 'submit', 'submits');
  count(globals.GPUQueue.prototype, 'writeBuffer', 'writes');
  count(globals.GPUBuffer.prototype, 'mapAsync', 'reads');
  count(globals.GPUDevice.prototype, 'createComputePipeline', 'pipelines');
  count(globals.GPUDevice.prototype, 'createComputePipelineAsync', 'pipelines');
  const gpu = create(flags);
  if (compat || mask.length > 0 || hardware) {
    const request = globals.GPU.prototype.requestAdapter;
    // An own property: the worker and wgpu both call `navigator.gpu.requestAdapter(…)`.
    gpu.requestAdapter = async (options = {}) => {
      const adapter = await request.call(gpu, compat ? { ...options, featureLevel: 'compatibility' } : options);
      // `features` is an own, writable property of Dawn's adapters; wgpu only asks it `has`.
      if (adapter && mask.length > 0) adapter.features = new Set([...adapter.features].filter((f) => !mask.includes(f)));
      if (adapter && hardware)
        Object.defineProperty(adapter, 'info', {
          value: { vendor: 'test', architecture: '', device: '', description: 'a test GPU', isFallbackAdapter: false },
        });
      return adapter;
    };
  }
  return gpu;
}

/** The wasm's two builds (web/worker.js): with WebGPU, and CPU-only. */
const BUILDS = ['pkg', 'pkg-cpu'];

/** A folder like web/ whose worker imports the wasm from `builds`' pkg/ and pkg-cpu/ (release builds kept aside, say). */
function stage(builds) {
  const dir = mkdtempSync(join(tmpdir(), 'iagen-worker-'));
  for (const name of readdirSync(WEB)) {
    if (BUILDS.includes(name)) continue;
    // Node resolves a linked module to its real path, so the worker is copied: its `./pkg/` must
    // resolve here. Everything else (assets, the worker's other modules) is linked.
    if (name === 'worker.js') cpSync(join(WEB, name), join(dir, name));
    else symlinkSync(join(WEB, name), join(dir, name));
  }
  for (const name of BUILDS) symlinkSync(resolve(builds, name), join(dir, name));
  return dir;
}

/**
 * Start the worker. `gpu`: the options of `dawnGpu`, or null for a host without WebGPU (the CPU
 * path). `pkg`: a folder with the two wasm-bindgen outputs to run, pkg/ and pkg-cpu/ (default web/). Returns `call(method, args)`
 * (resolves with the worker's result, rejects with its error), the events it posted, `on` to
 * hear them and `dead()` (the worker's `dead` event, or null).
 */
export async function startWorker({ gpu = null, pkg = null } = {}) {
  const root = pkg ? stage(pkg) : WEB;
  const base = pathToFileURL(`${root}/`);
  globalThis.WorkerGlobalScope = class WorkerGlobalScope {};
  const navigatorGpu = gpu ? await dawnGpu(gpu) : undefined;
  // Node 21+ has a `navigator` of its own (without `gpu`).
  Object.defineProperty(globalThis, 'navigator', { value: navigatorGpu ? { gpu: navigatorGpu } : {}, configurable: true, writable: true });

  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), base);
    if (url.protocol !== 'file:') return realFetch(input, init);
    if (url.pathname.endsWith('.wasm')) fetchedWasm.push(relative(root, fileURLToPath(url)));
    try {
      const bytes = await readFile(fileURLToPath(url));
      return new Response(bytes, { status: 200, headers: { 'content-type': MIME[extname(url.pathname)] ?? 'application/octet-stream' } });
    } catch {
      return new Response('not found', { status: 404, statusText: 'Not Found' });
    }
  };

  const listeners = {};
  globalThis.addEventListener = (type, listener) => {
    listeners[type] ??= [];
    listeners[type].push(listener);
  };
  const fire = (type, event) => {
    for (const listener of listeners[type] ?? []) listener(event);
  };
  process.on('unhandledRejection', (reason) => {
    fire('unhandledrejection', { reason, preventDefault() {} });
    if (!(reason instanceof WebAssembly.RuntimeError)) {
      console.error('unhandled rejection in the worker:', reason);
      process.exit(1);
    }
  });
  process.on('uncaughtException', (error) => {
    fire('error', { error, preventDefault() {} });
    if (!(error instanceof WebAssembly.RuntimeError)) {
      console.error('uncaught exception in the worker:', error);
      process.exit(1);
    }
  });

  const pending = new Map();
  const events = [];
  const hearers = new Set();
  let nextId = 1;
  globalThis.postMessage = (message) => {
    if (message.id !== undefined && pending.has(message.id)) {
      const { resolve: done, reject } = pending.get(message.id);
      pending.delete(message.id);
      if ('error' in message) reject(new Error(message.error));
      else done(message.result);
      return;
    }
    events.push(message);
    for (const hear of hearers) hear(message);
    // As the page does (`failWorker`): a dead worker fails the calls in flight, which a trap in
    // an asynchronous wasm task would otherwise leave unanswered.
    if (message.event === 'dead') {
      for (const { reject } of pending.values()) reject(new Error(`the worker died: ${message.message}`));
      pending.clear();
    }
  };
  await import(pathToFileURL(join(root, 'worker.js')).href);

  /** The worker's answer to `{id, method, args}`, sent as a task of its own, as a port would. */
  const call = (method, args) =>
    new Promise((done, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: done, reject });
      setImmediate(() => fire('message', { data: { id, method, args } }));
    });
  const on = (hear) => {
    hearers.add(hear);
    return () => hearers.delete(hear);
  };
  return { call, events, on, dead: () => events.find((e) => e.event === 'dead') ?? null };
}
