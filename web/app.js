// The page shell: language, backend badge, share links and notices, embed mode, and the
// worker connection. Views (views/<family>.js) draw the controls and results.
import { FAMILIES } from './families.js';
import { STALLED, fetchText } from './fetching.js';
import { fixed, reloadingLink } from './views/common.js';

const params = new URLSearchParams(location.search);
const embed = params.get('embed') === '1';
// Opened without a link: a newcomer, shown where the course starts.
const newcomer = !location.hash;
// Set when this tab lost its WebGPU device: the page reloads on the CPU and says why.
const GPU_LOST_KEY = 'iagen.gpuLost';
// Storage can be denied (a course platform's cross-site frame): the page needs none to run.
function withStorage(use) {
  try {
    return use(sessionStorage);
  } catch {
    return null;
  }
}
const gpuLost = withStorage((s) => s.getItem(GPU_LOST_KEY));
// `?backend=cpu` or `webgpu` forces one; otherwise the worker chooses.
const requestedBackend = gpuLost !== null ? 'cpu' : params.get('backend');

// ---- worker RPC -----------------------------------------------------------------------
// A page framed by a sandboxed host (no `allow-same-origin`) has an opaque origin, and browsers
// refuse it a worker from a URL; a classic worker made from a blob may still import ours (the
// server lets any origin read its files). It holds the messages that arrive before the module
// has registered its listener, and reports a module that did not load as a dead engine.
function startWorker() {
  const url = new URL('worker.js', location.href).href;
  try {
    return new Worker(url, { type: 'module' });
  } catch {
    const boot = `const early = [];
onmessage = (e) => early.push(e.data);
import(${JSON.stringify(url)}).then(() => {
  onmessage = null;
  for (const data of early) dispatchEvent(new MessageEvent('message', { data }));
}, (err) => postMessage({ event: 'dead', message: String(err) }));`;
    return new Worker(URL.createObjectURL(new Blob([boot], { type: 'text/javascript' })));
  }
}
const worker = startWorker();
const pending = new Map();
const listeners = new Set();
let nextId = 1;
// A worker that cannot start (a file missing) or dies fails every call, now and later, with
// a message instead of a page that waits forever.
let workerFailure = null;
function failWorker(message) {
  workerFailure = new Error(t('error.worker', { error: message }));
  for (const { reject } of pending.values()) reject(workerFailure);
  pending.clear();
  showError(workerFailure);
}
worker.onerror = (event) => {
  event.preventDefault();
  failWorker(event.message || 'worker.js');
};
worker.onmessageerror = () => failWorker('message');
worker.onmessage = ({ data }) => {
  if (data.event === 'gpulost') return restartOnCpu(data.message);
  if (data.event === 'backend') return showSessionBackend(data.kind);
  if (data.event === 'gpufailed') return gpuFailed(data);
  if (data.event === 'progress' && data.url.endsWith('_bg.wasm')) return showBuildDownload(data.done ? null : data.loaded);
  if (data.event === 'dead') return failWorker(engineStopped(data));
  if (data.event) {
    for (const fn of listeners) fn(data);
    return;
  }
  const { resolve, reject, method } = pending.get(data.id);
  pending.delete(data.id);
  if (data.error !== undefined) return reject(new Error(data.error));
  if (ACTIONS.has(method)) clearError();
  resolve(data.result);
};
// Why the engine stopped, for the visitor: WebAssembly memory ends at 4 GiB, and a trap near it
// means the settings asked for more than a browser gives.
const MEMORY_CEILING = 3.5 * 2 ** 30;
function engineStopped({ message, memoryBytes }) {
  if (memoryBytes >= MEMORY_CEILING) return t('error.memory', { gb: (memoryBytes / 2 ** 30).toFixed(1) });
  return message;
}
// Worker methods that do what a visitor asked: when one succeeds, an earlier error is stale.
const ACTIONS = new Set(['load', 'newTraining', 'train', 'stream', 'verb']);
function call(method, args) {
  if (workerFailure) return Promise.reject(workerFailure);
  const id = nextId++;
  worker.postMessage({ id, method, args });
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject, method }));
}

// The link holds the experiment (settings, and the steps of the last finished or paused run),
// so a reload restores it on the CPU.
function restartOnCpu(message) {
  if (withStorage((s) => s.setItem(GPU_LOST_KEY, message)) === null) {
    // Without storage the reason cannot travel; the address can still ask for the CPU.
    const url = new URL(location.href);
    url.searchParams.set('backend', 'cpu');
    location.replace(url);
    return;
  }
  location.reload();
}

// ---- language -------------------------------------------------------------------------
const dictionaries = {};
let lang = 'es';
async function loadLang(code) {
  if (!dictionaries[code]) dictionaries[code] = JSON.parse(await fetchText(`i18n/${code}.json`));
  lang = code;
  document.documentElement.lang = code;
}
// What the page can still say when its language file is missing: Spanish, English beside it.
const BUILT_IN = {
  'error.generic': 'Algo falló / Something failed: {error}',
  'error.worker':
    'El motor de cálculo no arrancó o se detuvo; recarga la página / The engine did not start or stopped; reload the page ({error})',
  'error.reload': 'Recargar / Reload',
  'error.stalled': 'el servidor dejó de enviar / the server stopped sending «{url}» ({s} s)',
};
// Errors the engine reports in a fixed form, said in the reader's language wherever they show.
function explainError(error) {
  const stalled = STALLED.exec(error);
  return stalled ? t('error.stalled', { url: stalled[1], s: stalled[2] }) : error;
}
export function t(key, vars = {}) {
  if (vars.error !== undefined) vars = { ...vars, error: explainError(String(vars.error)) };
  const text = dictionaries[lang]?.[key] ?? BUILT_IN[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => vars[name] ?? `{${name}}`);
}
function translatePage() {
  document.querySelectorAll('[data-i18n]').forEach((el) => {
    el.textContent = t(el.dataset.i18n);
  });
  document.querySelectorAll('[data-i18n-placeholder]').forEach((el) => {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  });
  document.querySelectorAll('[data-i18n-title]').forEach((el) => {
    el.title = t(el.dataset.i18nTitle);
  });
  document.getElementById('lang-switch').textContent = t('lang.switch');
  drawBackend();
  drawNotices();
  document.title = t('title');
}

// ---- backend badge --------------------------------------------------------------------
// What the worker started, and where the current model runs (with a real GPU and nothing
// forced, each family runs where its work is faster).
let backend = null;
let sessionKind = null;
// Bytes of the WebGPU build received so far while it downloads (a GPU family's first view, or
// every view with ?backend=webgpu); null once it has arrived or failed.
let buildLoaded = null;
function showBuildDownload(loaded) {
  buildLoaded = loaded;
  drawBackend();
}
function showSessionBackend(kind) {
  sessionKind = kind;
  drawBackend();
}
// The GPU a real adapter promised failed when a family first needed it: every model stays on the CPU.
function gpuFailed({ why, error, adapter }) {
  backend = { kind: 'cpu', why, error, adapter };
  drawBackend();
}
function backendWhy() {
  if (backend.kind !== 'webgpu') return backend.why;
  if (!backend.byFamily) return 'forcedgpu';
  return sessionKind === 'cpu' ? 'smallwork' : sessionKind === 'webgpu' ? 'bigwork' : null;
}
function drawBackend() {
  const badge = document.getElementById('backend');
  drawBadgeText(badge);
  if (buildLoaded !== null) {
    const line = document.createElement('small');
    line.className = 'download';
    line.textContent = t('backend.downloading', { mb: fixed(buildLoaded / 1e6, 1) });
    badge.appendChild(line);
  }
}
function drawBadgeText(badge) {
  if (!backend) {
    badge.textContent = t('backend.loading');
    return;
  }
  const kind = sessionKind || backend.kind;
  badge.dataset.state = kind;
  document.body.dataset.backend = kind;
  const adapter = backend.adapter || t('backend.adapter.unnamed');
  badge.textContent = kind === 'webgpu' ? t('backend.webgpu', { adapter }) : t('backend.cpu');
  const reason = backendWhy();
  badge.dataset.why = reason || '';
  if (reason) {
    const why = document.createElement('small');
    why.textContent = t(`backend.why.${reason}`, { error: backend.error || '', adapter });
    badge.appendChild(why);
  }
}

// ---- share state ----------------------------------------------------------------------
let specValues = {};
let notices = [];
function drawNotices() {
  const box = document.getElementById('notices');
  const list = document.getElementById('notice-list');
  list.replaceChildren(
    ...notices.map((n) => {
      const li = document.createElement('li');
      li.textContent = t(`notice.${n.kind}`, n);
      return li;
    }),
  );
  box.hidden = notices.length === 0;
}
function shareUrl(hash, embedded) {
  const url = new URL(location.href);
  url.search = embedded ? '?embed=1' : '';
  url.hash = hash;
  return url.toString();
}
let currentHash = '';
/** Store control values in the URL (validated by the Rust codec) and return them. */
export async function updateSpec(changes) {
  const pairs = Object.entries({ ...specValues, ...changes }).map(([k, v]) => [k, String(v)]);
  const parsed = await call('encodeSpec', { pairs });
  specValues = Object.fromEntries(parsed.values);
  currentHash = parsed.hash;
  if (parsed.notices.length) {
    notices = parsed.notices;
    drawNotices();
  }
  history.replaceState(null, '', `${location.pathname}${location.search}#${parsed.hash}`);
  return specValues;
}

/** Hide the error box, unless the engine itself is gone (that message stays). */
function clearError() {
  if (!workerFailure) document.getElementById('error').hidden = true;
}

function showError(err) {
  const box = document.getElementById('error');
  // A dead worker's message already says what failed and what to do; a reload starts a new
  // engine and the link brings the experiment back.
  box.textContent = err === workerFailure ? err.message : t('error.generic', { error: err.message || String(err) });
  if (err === workerFailure) {
    const reload = document.createElement('button');
    reload.id = 'reload';
    reload.textContent = t('error.reload');
    reload.onclick = () => location.reload();
    box.append(' ', reload);
  }
  box.hidden = false;
}

async function main() {
  if (embed) document.body.classList.add('embed');
  const hashLang = new URLSearchParams(location.hash.slice(1)).get('lang');
  // Spanish unless the browser ranks English above Spanish.
  const ranked = (navigator.languages || [navigator.language]).map((l) => l.slice(0, 2));
  const preferred = ranked.find((l) => l === 'es' || l === 'en') || 'es';
  await loadLang(hashLang === 'en' || hashLang === 'es' ? hashLang : preferred);
  translatePage();

  backend = await call('init', { requested: requestedBackend });
  if (gpuLost !== null) backend = { kind: 'cpu', why: 'lost', error: gpuLost };
  drawBackend();

  const parsed = await call('parseSpec', { hash: location.hash });
  specValues = Object.fromEntries(parsed.values);
  notices = parsed.notices;
  if (!hashLang) specValues.lang = lang;
  drawNotices();
  await updateSpec({});

  document.getElementById('lang-switch').onclick = async () => {
    await loadLang(lang === 'es' ? 'en' : 'es');
    await updateSpec({ lang });
    translatePage();
    view.translate();
  };
  document.getElementById('notice-close').onclick = () => {
    notices = [];
    drawNotices();
  };
  document.getElementById('copy-link').onclick = async () => {
    const url = shareUrl(currentHash, false);
    await navigator.clipboard?.writeText(url).catch(() => {});
    const status = document.getElementById('share-status');
    status.textContent = t('share.copied');
    status.dataset.url = url;
  };
  document.getElementById('embed-button').onclick = () => {
    const code = `<iframe src="${shareUrl(currentHash, true)}" width="100%" height="760" style="border:0" title="IAGen Playground" loading="lazy"></iframe>`;
    document.getElementById('embed-code').value = code;
    document.getElementById('embed-box').hidden = false;
  };

  // One view per page load: switching views reloads the page with the new spec.
  const family = FAMILIES.find((f) => f.id === specValues.view) ?? FAMILIES[0];
  document.getElementById('views').replaceChildren(
    ...FAMILIES.map(({ id }) => {
      const button = document.createElement('button');
      button.className = 'secondary';
      button.dataset.view = id;
      button.dataset.i18n = `view.${id}`;
      button.textContent = t(`view.${id}`);
      button.setAttribute('aria-pressed', String(id === family.id));
      button.onclick = async () => {
        if (id === family.id) return;
        // Only what the visitor changed travels (the link's pairs): the new view's defaults are
        // its own (the GAN's batch is not the GPT's).
        const changed = currentHash
          .split('&')
          .map((pair) => pair.split('=').map(decodeURIComponent))
          .filter(([key]) => key && key !== 'v');
        const parsed = await call('encodeSpec', { pairs: [...changed, ['view', id]] });
        history.replaceState(null, '', `${location.pathname}${location.search}#${parsed.hash}`);
        location.reload();
      };
      return button;
    }),
  );
  document.body.dataset.view = family.id;
  document.getElementById('first-visit').hidden = !newcomer || embed || family.id === 'lessons';
  const firstLesson = document.getElementById('first-visit-link');
  firstLesson.href = `${location.pathname}${location.search}#v=2&view=lessons&lang=${lang}`;
  reloadingLink(firstLesson);
  const { mount } = await import(family.module);
  const view = await mount(document.getElementById('view'), {
    call,
    listeners,
    spec: specValues,
    updateSpec,
    t,
    showError,
    lang: () => lang,
    // What a view measures, for a lesson's tasks (views/lessons.js); the free views ignore it.
    measure: () => {},
    // The lessons view draws parts of the page after mounting (another lesson's experiment).
    translatePage,
  });
  translatePage();
  view.translate();
  document.body.dataset.ready = '1';
}

main().catch(showError);
