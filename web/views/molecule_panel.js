import { fetchBytes, fetchText } from '../fetching.js';
import { fixed, bumpCounter, libraryMessage } from './common.js';

// The GPT's text as chemistry (data set «moleculas»): each line drawn as a molecule by RDKit
// (chem_worker.js, started only for this data set), marked valid or not (and why, as RDKit says),
// new or already in the training set, with the running tally of everything generated here
// beside MOSES's own baseline; a click on a valid molecule finds its most similar training
// molecule. The course's "generate something new, not memorise", for chemistry.

export const MOLECULE_PANEL = `
  <section class="card" id="gpt-molecules" hidden>
    <h2 data-i18n="mol.title"></h2>
    <p class="intro" data-i18n="mol.intro"></p>
    <p class="status" id="mol-status" data-i18n="mol.empty"></p>
    <p class="status" id="mol-tally"></p>
    <div class="molecules" id="molecules"></div>
    <div class="molecules" id="mol-nearest" hidden></div>
    <p class="help" id="mol-nearest-text"></p>
  </section>`;

const SHOWN = 24; // molecules drawn per generation (all are counted)
const SIZE = { width: 200, height: 150 };
const DATA = 'assets/data/moleculas';

// A chemistry call that gets no answer in this long has met a stalled download in the worker
// (RDKit's script) or a dead worker: it fails like a stalled fetch, never a spinner for good.
const CALL_WAIT_S = 60;

/** The chemistry worker: `call(verb, args)` resolves with its answer; `stop()` ends the worker. */
function chemistry() {
  const worker = new Worker('chem_worker.js');
  const waiting = new Map();
  let next = 0;
  let dead = null; // why the worker stopped: every call after it fails at once
  const failAll = (error) => {
    dead = error;
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
    worker.terminate();
  };
  worker.onmessage = ({ data }) => {
    const job = waiting.get(data.id);
    if (!job) return;
    waiting.delete(data.id);
    clearTimeout(job.timer);
    if (data.error !== undefined) job.reject(new Error(data.error));
    else job.resolve(data.result);
  };
  worker.onerror = (e) => failAll(new Error(e.message || 'chem_worker.js failed'));
  const call = (verb, args, transfer = []) =>
    new Promise((resolve, reject) => {
      if (dead) return reject(dead);
      const id = next++;
      const timer = setTimeout(() => failAll(new Error(`chem_worker.js: stalled ${CALL_WAIT_S} s`)), CALL_WAIT_S * 1000);
      waiting.set(id, { resolve, reject, timer });
      worker.postMessage({ id, verb, args }, transfer);
    });
  return { call, stop: () => failAll(new Error('stopped')) };
}

/** The complete lines of `text` (a last line without its newline was cut off by the length). */
function moleculeLines(text) {
  const lines = text.split('\n');
  const cut = lines.pop();
  return { lines, cut };
}

const svgImage = (svg) => {
  const img = document.createElement('img');
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  img.width = SIZE.width;
  img.height = SIZE.height;
  return img;
};

// RDKit writes in English why a SMILES is not a molecule: the reasons generated molecules meet
// (tallied over the shipped model's samples), in the reader's language; the rest as RDKit wrote them.
const RDKIT_REASONS = [
  [/^unclosed ring$/, 'ring'],
  [/^Can't kekulize mol\.\s+Unkekulized atoms: ([\d ]+)$/, 'kekulize'],
  [/^Explicit valence for atom # (\d+) (\w+), (\d+), is greater than permitted$/, 'valence'],
  [/^ring closure (\d+) duplicates bond between atom (\d+) and atom (\d+)$/, 'duplicate'],
  [/^extra close parentheses/, 'close'],
  [/^extra open parentheses/, 'open'],
  [/^syntax error/, 'syntax'],
];

export function moleculePanel({ $, t, showError, measure }) {
  let chem = null; // a promise of the worker's `call`, once it has RDKit and the training set
  let status = ['mol.empty', {}];
  let tally = null; // {generated, valid, canonical: Map canonical → known}
  let nearestShown = null; // what the similarity line says, to say it again in another language
  let shown = null; // {lines, byLine}: the last text's lines and what RDKit said of each

  function say(key, params = {}) {
    status = [key, params];
    $('mol-status').textContent = t(key, params);
    delete $('mol-status').dataset.i18n;
  }

  async function start() {
    say('mol.loading');
    let worker;
    try {
      worker = chemistry();
    } catch (err) {
      // A page framed without allow-same-origin has an opaque origin: no worker from a file.
      if (err.name === 'SecurityError') throw new Error(t('mol.noworker'));
      throw err;
    }
    try {
      const [wasm, text, fingerprints, meta] = await Promise.all([
        fetchBytes('vendor/RDKit_minimal.wasm'),
        fetchText(`${DATA}.txt`),
        fetchBytes(`${DATA}.index.bin`),
        fetchText(`${DATA}.index.json`).then(JSON.parse),
      ]);
      await worker.call('init', { wasm: wasm.buffer }, [wasm.buffer]);
      await worker.call('setIndex', { text, fingerprints: fingerprints.buffer, meta }, [fingerprints.buffer]);
      return worker.call;
    } catch (err) {
      worker.stop();
      throw err;
    }
  }

  function drawTally() {
    measure('molecules', tally?.generated ?? 0);
    if (!tally) {
      $('mol-tally').textContent = '';
      return;
    }
    const unique = tally.canonical.size;
    const novel = [...tally.canonical.values()].filter((known) => !known).length;
    const share = (a, b) => (b ? `${fixed((100 * a) / b, 1)} %` : '–');
    Object.assign($('mol-tally').dataset, { generated: tally.generated, valid: tally.valid, unique, novel });
    $('mol-tally').textContent = t('mol.tally', {
      n: tally.generated,
      valid: share(tally.valid, tally.generated),
      unique: share(unique, tally.valid),
      novel: share(novel, unique),
    });
  }

  /** A drawn molecule with its SMILES and, under it, `marks` (class `good` or not). */
  function drawing(svg, smiles, marks = [], good = true) {
    const fig = document.createElement('figure');
    fig.className = 'molecule';
    if (svg) fig.append(svgImage(svg));
    const caption = document.createElement('figcaption');
    const code = document.createElement('code');
    code.textContent = smiles || '∅';
    caption.append(code);
    if (marks.length) {
      const mark = document.createElement('span');
      mark.className = good ? 'ok' : 'bad';
      mark.textContent = marks.join(' · ');
      caption.append(document.createElement('br'), mark);
    }
    fig.append(caption);
    return fig;
  }

  function figure(smiles, result) {
    if (!smiles) {
      const fig = drawing(null, smiles, [t('mol.empty.line')], false);
      fig.dataset.valid = 'false';
      return fig;
    }
    const marks = [];
    if (!result.valid) {
      const fig = drawing(
        null,
        smiles,
        [t('mol.invalid', { reason: libraryMessage(t, RDKIT_REASONS, 'mol.why', result.reason) ?? `RDKit: ${result.reason}` })],
        false,
      );
      Object.assign(fig.dataset, { valid: 'false', reason: result.reason });
      return fig;
    }
    marks.push(t('mol.valid'), t(result.known ? 'mol.known' : 'mol.new'));
    const fig = drawing(result.svg, smiles, marks);
    Object.assign(fig.dataset, { valid: 'true', known: String(result.known) });
    if (!result.known) {
      fig.classList.add('clickable');
      fig.title = t('mol.nearest.hint');
      fig.tabIndex = 0;
      fig.setAttribute('role', 'button');
      fig.onclick = () => nearest(smiles, result.svg).catch(showError);
      fig.onkeydown = (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          fig.click();
        }
      };
    }
    return fig;
  }
  function drawMolecules() {
    if (!shown) return;
    $('molecules').replaceChildren(...shown.lines.slice(0, SHOWN).map((smiles) => figure(smiles, shown.byLine.get(smiles))));
  }

  /** Check and draw the lines of the prompt and the generated text; count those the model wrote
   * (a line the prompt began and the model finished counts as the model's). */
  async function show(prompt, generated) {
    chem ??= start();
    let call;
    try {
      call = await chem;
    } catch (err) {
      chem = null; // the next generation tries again
      throw err;
    }
    const { lines, cut } = moleculeLines(prompt + generated);
    const molecules = lines.filter(Boolean);
    const results = await call('check', { lines: molecules, ...SIZE }).catch((err) => {
      chem = null; // a dead worker: start afresh next time
      throw err;
    });
    const byLine = new Map(molecules.map((m, i) => [m, results[i]]));
    tally ??= { generated: 0, valid: 0, canonical: new Map() };
    const typed = prompt.split('\n').length - 1; // whole lines the student typed
    for (const smiles of lines.slice(typed)) {
      tally.generated += 1;
      const r = byLine.get(smiles);
      if (!r?.valid) continue;
      tally.valid += 1;
      tally.canonical.set(r.canonical, r.known);
    }
    shown = { lines, byLine };
    drawMolecules();
    $('mol-nearest').hidden = true;
    $('mol-nearest-text').textContent = '';
    nearestShown = null;
    drawTally();
    say(cut ? 'mol.checked.cut' : 'mol.checked', { n: lines.length, shown: Math.min(lines.length, SHOWN), cut });
    bumpCounter('molecules');
  }

  function drawNearest() {
    if (!nearestShown) return;
    $('mol-nearest-text').textContent = t('mol.nearest', nearestShown);
  }
  async function nearest(smiles, svg) {
    const call = await chem;
    const found = await call('nearest', { smiles, ...SIZE });
    $('mol-nearest').replaceChildren(drawing(svg, smiles), drawing(found.svg, found.smiles));
    $('mol-nearest').hidden = false;
    nearestShown = { smiles, match: found.smiles, line: found.index + 1, similarity: fixed(found.similarity, 2) };
    $('mol-nearest-text').dataset.similarity = String(found.similarity);
    drawNearest();
  }

  return {
    /** Not awaited by the view: a slow library never holds up its other work. */
    show: (prompt, generated) =>
      show(prompt, generated).catch((err) => {
        say('mol.failed', { error: err.message });
        showError(err);
      }),
    visible(yes) {
      $('gpt-molecules').hidden = !yes;
    },
    /** A new model starts a new tally. */
    modelChanged() {
      tally = null;
      drawTally();
    },
    translate() {
      if (!$('mol-status').dataset.i18n) $('mol-status').textContent = t(...status);
      drawMolecules();
      drawTally();
      drawNearest();
    },
  };
}
