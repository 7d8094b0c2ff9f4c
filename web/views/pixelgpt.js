import {
  html,
  jobQueue,
  seedControl,
  bindSpecControls,
  drawProbabilityBars,
  stepPlayButtons,
  bumpCounter,
  fixed,
  loadingModel,
  showLoadFailure,
  classOfWord,
} from './common.js';
import { imagesCost } from './cost_meter.js';

// The pixel GPT view: the GPT of the text view, trained on digits written as lines of grey
// levels (MODELS.md, "pixeles"), writes a digit pixel by pixel in raster order; each pixel's
// four probabilities are shown as it goes, like the text view's next-character bars, and the
// writing can be stepped, played and scrubbed back like the diffusion view's denoising.
const MODEL = 'pixeles';
const CELL = 20; // canvas pixels per written pixel
const LEVEL_KEYS = ['pix.level.0', 'pix.level.1', 'pix.level.2', 'pix.level.3'];

export async function mount(root, { call, spec, updateSpec, t, showError, lang, measure }) {
  root.append(html`
  <section class="card" id="pix-generate">
    <h2 data-i18n="view.pixelgpt"></h2>
    <p class="intro" data-i18n="pix.intro"></p>
    <p class="status" id="pix-model"></p>
    <div class="controls">
      <label><span data-i18n="pix.word"></span><input id="class" type="text" maxlength="40" data-i18n-placeholder="pix.word.placeholder"></label>
      <label><span data-i18n="pix.guide"></span><span><input id="guide" type="range" min="0" max="10" step="0.5"> <output id="guide-value"></output></span></label>
      <label><span data-i18n="gen.temp"></span><span><input id="temp" type="range" min="0" max="2" step="0.05"> <output id="temp-value"></output></span></label>
      ${seedControl('seed', 'dice', 'gen.seed')}
    </div>
    <div class="controls">
      <button id="generate" data-i18n="pix.generate"></button>
      <button id="step-pixel" class="secondary" data-i18n="pix.step"></button>
      <button id="play" class="secondary" data-i18n="diff.play"></button>
      <label><span data-i18n="pix.speed"></span><input id="speed" type="range" min="1" max="200" step="1" value="40"></label>
    </div>
    <p class="help" data-i18n="pix.guide.help"></p>
    <p class="message" id="pix-message"></p>
    <div class="grid-2">
      <div>
        <label class="controls block"><span id="pos-label"></span>
          <input id="pos-slider" type="range" min="0" max="0" step="1" value="0" class="full"></label>
        <canvas id="digit" class="pixelated"></canvas>
        <p class="status" id="pix-speed"></p>
        <p class="help" id="pix-verdict"></p>
      </div>
      <div>
        <h3 data-i18n="pix.next"></h3>
        <p class="help" id="pix-bars-help" data-i18n="pix.bars.empty"></p>
        <div class="bars levels" id="bars"></div>
        <p class="help" data-i18n="pix.help"></p>
      </div>
    </div>
    <p class="risks"><strong data-i18n="risks.title"></strong> — <span data-i18n="pix.risks"></span></p>
  </section>`);

  const $ = (id) => root.querySelector(`#${id}`);
  const jobs = jobQueue(updateSpec, spec);
  const { exclusive } = jobs;
  const v = () => jobs.values;
  const state = {
    model: null, // {info, manifest}
    shape: null, // {levels, side}: the start's answer
    written: '', // the levels written so far
    choices: [], // four probabilities per pixel written
    flops: 0,
    pos: 0, // pixels shown
    class: null, // the digit asked for (null: none)
    started: false,
    verdict: null,
    preview: false,
    ms: 0,
  };
  const total = () => (state.shape ? state.shape.side ** 2 : 196);
  const finished = () => state.started && state.written.length === total();

  bindSpecControls($, jobs, {
    settings: ['class', 'guide', 'temp', 'seed'],
    training: [],
    discard: () => {},
    render(values) {
      $('guide-value').textContent = fixed(values.guide, 1);
      $('temp-value').textContent = fixed(values.temp, 2);
    },
  });
  $('guide').addEventListener('input', () => {
    $('guide-value').textContent = fixed($('guide').value, 1);
  });
  $('temp').addEventListener('input', () => {
    $('temp-value').textContent = fixed($('temp').value, 2);
  });

  // ---- model ---------------------------------------------------------------------------
  function describeModel() {
    const box = $('pix-model');
    if (!state.model && state.loadFailure) return showLoadFailure(box, t, state.loadFailure);
    if (!state.model) {
      box.textContent = t('gen.model.loading');
      return;
    }
    const { info, manifest } = state.model;
    box.textContent = `${t('gen.model')}: ${t('pix.model', { params: info.params.toLocaleString(), steps: manifest.steps })}`;
  }
  async function loadModel() {
    state.model = null;
    describeModel();
    const retry = () => exclusive(loadModel).catch(showError);
    const info = await loadingModel(state, { describe: describeModel, retry }, async () => {
      const loaded = await call('load', { family: 'gpt', name: MODEL });
      const judge = 'assets/models/judge-mnist';
      await call('verb', { name: 'set_judge', texts: { manifest: `${judge}.json` }, file: `${judge}.bpk` });
      return loaded;
    });
    state.model = { info, manifest: info.manifest };
    measure('model');
    describeModel();
  }

  // ---- the digit -----------------------------------------------------------------------
  function levelOf(ch) {
    return state.shape.levels.indexOf(ch);
  }
  function drawDigit() {
    const side = state.shape ? state.shape.side : 14;
    const canvas = $('digit');
    canvas.width = canvas.height = side * CELL;
    const ctx = canvas.getContext('2d');
    // Pixels not written yet: a light checker, so black (written) and empty (not yet) differ.
    for (let i = 0; i < side * side; i++) {
      const [x, y] = [(i % side) * CELL, Math.floor(i / side) * CELL];
      if (i < state.pos) {
        const g = Math.round((levelOf(state.written[i]) / 3) * 255);
        ctx.fillStyle = `rgb(${g},${g},${g})`;
      } else {
        ctx.fillStyle = (i + Math.floor(i / side)) % 2 ? '#dfe3ec' : '#eef0f5';
      }
      ctx.fillRect(x, y, CELL, CELL);
    }
    // The pixel just written, and the next one.
    const mark = (i, colour, dash) => {
      if (i < 0 || i >= side * side) return;
      ctx.strokeStyle = colour;
      ctx.lineWidth = 2;
      ctx.setLineDash(dash);
      ctx.strokeRect((i % side) * CELL + 1, Math.floor(i / side) * CELL + 1, CELL - 2, CELL - 2);
    };
    if (state.started) {
      mark(state.pos - 1, '#e07a00', []);
      mark(state.pos, '#3d5afe', [3, 2]);
    }
    ctx.setLineDash([]);
    Object.assign(canvas.dataset, { position: String(state.pos), pixels: state.written.slice(0, state.pos) });
  }
  function drawPosition() {
    const slider = $('pos-slider');
    slider.max = String(state.written.length);
    slider.value = String(state.pos);
    $('pos-label').textContent = state.started ? t('pix.position', { done: state.pos, total: total() }) : t('pix.position.none');
    drawDigit();
    drawBars();
    drawVerdict();
    if (!state.preview) measure('pixels', state.started ? state.pos : null);
  }
  // The bars of the pixel shown last: the four levels' probabilities it was drawn from.
  function drawBars() {
    const k = state.pos - 1;
    if (k < 0) {
      $('bars').replaceChildren();
      $('pix-bars-help').textContent = t('pix.bars.empty');
      return;
    }
    const side = state.shape.side;
    const rows = LEVEL_KEYS.map((key, level) => {
      const label = document.createElement('span');
      const swatch = document.createElement('span');
      swatch.className = 'level-swatch';
      const g = Math.round((level / 3) * 255);
      swatch.style.background = `rgb(${g},${g},${g})`;
      label.append(swatch, ` ${t(key)}`);
      return [label, state.choices[k * 4 + level]];
    });
    drawProbabilityBars($('bars'), rows, levelOf(state.written[k]));
    $('bars').dataset.pixel = String(k);
    $('pix-bars-help').textContent = t('pix.bars', {
      n: k + 1,
      row: Math.floor(k / side) + 1,
      col: (k % side) + 1,
      level: t(LEVEL_KEYS[levelOf(state.written[k])]),
      p: fixed(state.choices[k * 4 + levelOf(state.written[k])] * 100, 1),
    });
  }
  function drawVerdict() {
    const box = $('pix-verdict');
    if (!finished() || !state.verdict || state.pos < total()) {
      box.textContent = '';
      return;
    }
    const { class: seen, confidence } = state.verdict;
    const asked = state.class === null ? t('pix.asked.none') : t('pix.asked', { digit: state.class });
    box.textContent = t('pix.verdict', { digit: seen, p: fixed(confidence * 100, 0), asked });
    box.dataset.seen = String(seen);
  }
  $('pos-slider').addEventListener('input', () => {
    state.pos = Number($('pos-slider').value);
    drawPosition();
  });

  /** A new digit from the word (or none), unless the word is unknown. */
  async function startDigit() {
    const asked = await classOfWord(call, { t, lang }, v().class, $('pix-message'));
    if (!asked) return false;
    const digit = asked.class;
    const args = { class: digit, guidance: Number(v().guide), seed: Number(v().seed), temp: Number(v().temp), topk: 0, topp: 1 };
    state.shape = await call('verb', { name: 'start_digit', args });
    state.settings = settings();
    Object.assign(state, { class: digit, written: '', choices: [], flops: 0, pos: 0, verdict: null, started: true, preview: false, ms: 0 });
    drawPosition();
    return true;
  }
  /** `count` more pixels at the end of the digit. */
  async function writePixels(count) {
    const started = performance.now();
    const out = await call('verb', { name: 'next', args: { count: Math.min(count, total() - state.written.length) } });
    state.ms += performance.now() - started;
    state.written += out.text;
    state.choices.push(...out.choices);
    state.flops = out.flops;
    state.pos = state.written.length;
    showSpeed();
    if (finished()) await judge();
    drawPosition();
  }
  function showSpeed() {
    const n = state.written.length;
    Object.assign($('pix-speed').dataset, { ms: String(state.ms / Math.max(n, 1)), flops: String(state.flops) });
    $('pix-speed').textContent =
      `${t('pix.speed.value', { ms: fixed(state.ms / Math.max(n, 1), 1), n })} ${imagesCost(t, lang(), 'pix.cost', { flops: state.flops, n })}`;
  }
  async function judge() {
    state.verdict = await call('verb', { name: 'judge_digit', args: { pixels: state.written } });
    document.body.dataset.judged = JSON.stringify({ asked: state.class, seen: state.verdict.class });
    if (!state.preview) {
      measure('match', state.class === null ? null : state.verdict.class === state.class ? 100 : 0);
      measure('finished');
    }
  }
  // The settings a digit is written with: changing one starts the next step on a new digit.
  const settings = () => JSON.stringify([v().class, v().guide, v().temp, v().seed]);
  async function ensureStarted() {
    return (state.started && !finished() && state.settings === settings()) || startDigit();
  }
  // Past about 30 pixels a second, several per frame: the page redraws at most ~30 times a second.
  const perFrame = () => Math.max(1, Math.round(Number($('speed').value) / 30));
  const buttons = stepPlayButtons($, {
    exclusive,
    t,
    showError,
    stepId: 'step-pixel',
    ensureStarted,
    advance: async () => {
      await writePixels(perFrame());
      return !finished();
    },
    stepOnce: () => writePixels(1),
    pause: (ms) => (1000 * perFrame()) / Number($('speed').value) - ms,
    beforeGenerate: () => jobs.save({ class: $('class').value }),
    restart: () => {
      state.started = false;
    },
    counters: { played: 'written', stepped: 'stepped' },
  });

  // ---- first view ----------------------------------------------------------------------
  // The link's digit, written once the model is in, for the slider to scrub; a preview, which
  // a lesson's tasks do not count.
  async function firstDigit() {
    if (!(await startDigit())) return;
    state.preview = true;
    while (!finished()) await writePixels(total());
    drawPosition();
    bumpCounter('written');
  }
  drawPosition();
  exclusive(loadModel)
    .then(() => exclusive(firstDigit))
    .catch(showError);

  return {
    translate() {
      buttons.label();
      describeModel();
      drawPosition();
      if (state.written.length) showSpeed();
    },
  };
}
