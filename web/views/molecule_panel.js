import { fetchBytes, fetchText } from '../fetching.js';
import { fixed } from './common.js';

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

/** A client of the chemistry worker: `call(verb, args)` resolves with its answer. */
function chemistry() {
  const worker = new Worker('chem_worker.js');
  const waiting = new Map();
  let next = 0;
  let dead = null; // why the worker stopped: every call after it fails at once
  const failAll = (error) => {
    dead = error;
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  worker.onmessage = ({ data }) => {
    const job = waiting.get(data.id);
    waiting.delete(data.id);
    if (data.error !== undefined) job?.reject(new Error(data.error));
    else job?.resolve(data.result);
  };
  worker.onerror = (e) => failAll(new Error(e.message || 'chem_worker.js failed'));
  return (verb, args, transfer = []) =>
    new Promise((resolve, reject) => {
      if (dead) return reject(dead);
      const id = next++;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, verb, args }, transfer);
    });
}

/** The complete lines of `text` (a last line without its newline was cut off by the length). */
export function moleculeLines(text) {
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

export function moleculePanel({ $, t, showError }) {
  let chem = null; // the worker's call, once started and given the training set
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
    const call = chemistry();
    const [text, fingerprints, meta] = await Promise.all([
      fetchText(`${DATA}.txt`),
      fetchBytes(`${DATA}.index.bin`),
      fetchText(`${DATA}.index.json`).then(JSON.parse),
    ]);
    await call('setIndex', { text, fingerprints: fingerprints.buffer, meta }, [fingerprints.buffer]);
    return call;
  }

  function drawTally() {
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
      const fig = drawing(null, smiles, [t('mol.invalid', { reason: result.reason })], false);
      Object.assign(fig.dataset, { valid: 'false', reason: result.reason });
      return fig;
    }
    marks.push(t('mol.valid'), t(result.known ? 'mol.known' : 'mol.new'));
    const fig = drawing(result.svg, smiles, marks);
    Object.assign(fig.dataset, { valid: 'true', known: String(result.known) });
    if (!result.known) {
      fig.classList.add('clickable');
      fig.title = t('mol.nearest.hint');
      fig.onclick = () => nearest(smiles, result.svg).catch(showError);
    }
    return fig;
  }
  function drawMolecules() {
    if (!shown) return;
    $('molecules').replaceChildren(...shown.lines.slice(0, SHOWN).map((smiles) => figure(smiles, shown.byLine.get(smiles))));
  }

  /** Check, draw and count the lines of `text` (the prompt and the generated text). */
  async function show(text) {
    chem ??= start().catch((err) => {
      chem = null;
      throw err;
    });
    const call = await chem;
    const { lines, cut } = moleculeLines(text);
    const molecules = lines.filter(Boolean);
    const results = await call('check', { lines: molecules, ...SIZE });
    const byLine = new Map(molecules.map((m, i) => [m, results[i]]));
    tally ??= { generated: 0, valid: 0, canonical: new Map() };
    for (const smiles of lines) {
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
    document.body.dataset.molecules = String((document.body.dataset.molecules | 0) + 1);
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
    show: (text) =>
      show(text).catch((err) => {
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
