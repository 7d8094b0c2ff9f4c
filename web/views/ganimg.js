import {
  coalesced,
  html,
  jobQueue,
  drawLossChart,
  drawImages,
  drawHistogramPair,
  histogram,
  seedControl,
  bindSpecControls,
  checksum,
  fixed,
  loadingModel,
  showLoadFailure,
  bumpCounter,
  classOfWord,
} from './common.js';
import { TRAINING_BUTTONS, trainingPanel } from './training_panel.js';
import { imagesCost } from './cost_meter.js';
import { IMAGE_COPIES, imageCopies } from './image_copies.js';
import { IMAGE_QUIZ, imageQuiz } from './image_quiz.js';
import { MIX_CONTROLS, MIX_KEYS, mixOptions, nameSkewClasses, trainingShares, drawTrainingMarks } from './image_mix.js';

// The image GAN view: a class-conditional DCGAN on digits or clothes — a seeded grid (for a typed word or
// without a class), the straight line between two of its samples, and live training (the
// shipped networks fine-tuned, or fresh ones) with both losses, a mode-collapse meter (the
// judge's class shares of generated digits, their entropy, a warning when a class falls below
// 2 %) and histograms of D(x) on real and generated digits.
const DATA = ['mnist', 'fashion'];
const GRID = 64; // the link's `ia`/`ib` number the samples of this grid
const COLS = 16;
const FRAMES = 10;
const LIVE = 16; // samples the training glimpse redraws
const JUDGED = 200; // class-free samples per meter reading
const SCORED = 64; // images in each D(x) batch
const WATCH_SEED = 7; // the same noise at every reading, to watch one set of samples change
const FLOOR = 0.02; // the meter warns below this share
const BINS = 10;
const REAL = '#1b7f4c';
const FAKE = '#8e44ad';
const CLASS_COLOURS = ['#3d5afe', '#e07a00', '#1b7f4c', '#b0008a', '#00838f', '#c62828', '#6d4c41', '#546e7a', '#9e9d24', '#5e35b1'];

export async function mount(root, { call, listeners, spec, updateSpec, t, lang, showError, measure }) {
  const number = (id, min, max, step) => `<input id="${id}" type="number" min="${min}" max="${max}" step="${step}">`;
  root.append(html`
  <section class="card" id="gi-samples">
    <h2 data-i18n="view.ganimg"></h2>
    <p class="intro" data-i18n="gi.intro"></p>
    <p class="status" id="gi-model"></p>
    <div class="controls">
      <label><span data-i18n="diff.data"></span><select id="idata">${DATA.map((d) => `<option value="${d}" data-i18n="data.${d}"></option>`).join('')}</select></label>
      <label><span data-i18n="gi.word"></span><input id="class" type="text" maxlength="40" data-i18n-placeholder="gi.word.placeholder"></label>
      ${seedControl('seed', 'dice', 'gen.seed')}
      <button id="generate" data-i18n="gen.generate"></button>
    </div>
    <p class="message" id="gi-message"></p>
    <canvas id="grid" class="pixelated clickable"></canvas>
    <p class="status" id="grid-cost"></p>
    <p class="help" data-i18n="gi.grid.help"></p>
    <h3 data-i18n="gi.interp.title"></h3>
    <div class="controls">
      <label><span data-i18n="gi.from"></span>${number('ia', 0, GRID - 1, 1)}</label>
      <label><span data-i18n="gi.to"></span>${number('ib', 0, GRID - 1, 1)}</label>
    </div>
    <canvas id="interp-strip" class="pixelated"></canvas>
    <div class="controls">
      <input id="walk" type="range" min="0" max="${FRAMES - 1}" step="1" value="0" aria-label="interpolation">
      <canvas id="walk-image" class="pixelated"></canvas>
      <span class="help" id="walk-label"></span>
    </div>
    <p class="help" data-i18n="gi.interp.help"></p>
  </section>
  <section class="card" id="gi-train">
    <h2 data-i18n="gi.train.title"></h2>
    <p class="intro" data-i18n="gi.train.intro"></p>
    <div class="controls">
      <label><span data-i18n="gi.start"></span><select id="gstart">
        <option value="shipped" data-i18n="gi.start.shipped"></option><option value="fresh" data-i18n="gi.start.fresh"></option></select></label>
      <label><span data-i18n="train.lr"></span>${number('lr', 0.00001, 0.01, 0.0001)}</label>
      <label><span data-i18n="train.batch"></span>${number('batch', 2, 128, 1)}</label>
      <label><span data-i18n="gan.steps"></span>${number('steps', 1, 20000, 10)}</label>
      ${seedControl('tseed', 'tdice', 'train.seed')}
    </div>
    <div class="controls">${MIX_CONTROLS}</div>
    <p class="help" data-i18n="mix.help"></p>
    ${TRAINING_BUTTONS}
    <h3 data-i18n="gan.loss.title"></h3>
    <canvas id="loss-chart" class="wide" width="760" height="170"></canvas>
    <div class="map-pair">
      <div>
        <h3 data-i18n="gi.live.title"></h3>
        <canvas id="live-grid" class="pixelated"></canvas>
      </div>
      <div>
        <h3 data-i18n="gi.meter.title"></h3>
        <canvas id="meter" width="420" height="170"></canvas>
        <p class="status" id="entropy"></p>
        <p class="message" id="meter-warning" role="status"></p>
        <p class="help" data-i18n="gi.meter.help"></p>
      </div>
    </div>
    <canvas id="entropy-chart" class="wide" width="760" height="120"></canvas>
    <h3 data-i18n="gi.dx.title"></h3>
    <canvas id="dx" width="420" height="170"></canvas>
    <p class="status" id="dx-means"></p>
    <p class="help" data-i18n="gi.dx.help"></p>
  </section>
  ${IMAGE_COPIES}
  ${IMAGE_QUIZ}
  <p class="risks"><strong data-i18n="risks.title"></strong> — <span data-i18n="gi.risks"></span></p>`);

  const $ = (id) => root.querySelector(`#${id}`);
  const jobs = jobQueue(updateSpec, spec);
  const { exclusive } = jobs;
  const v = () => jobs.values;
  const state = {
    model: null, // {kind: 'pretrained' | 'trained', info}
    training: false,
    trained: 0,
    history: [],
    entropies: [], // {step, entropy}
    watch: null, // the last `watch` reading
    classNames: [],
    frames: null,
  };

  // ---- controls <-> spec ---------------------------------------------------------------
  const training = ['gstart', 'lr', 'batch', 'steps', 'tseed', ...MIX_KEYS];
  const save = bindSpecControls($, jobs, {
    settings: ['seed', 'class'],
    training,
    others: ['ia', 'ib', 'idata'],
    discard: () => panel.discard(),
    render() {},
  });
  // The data set picks the shipped GAN, the training images and the judge.
  $('idata').addEventListener('change', () => {
    save({ idata: $('idata').value, class: '' });
    panel.discard();
  });
  const model = () => `gan-${v().idata}`;
  const imagesFile = () => `assets/data/${v().idata}.bin`;
  const ready = () => state.model && state.model.kind !== 'loading';

  // ---- model ---------------------------------------------------------------------------
  function describeModel() {
    const box = $('gi-model');
    if (state.model?.kind === 'loading' && state.loadFailure) return showLoadFailure(box, t, state.loadFailure);
    if (!ready()) {
      box.textContent = t('gen.model.loading');
      return;
    }
    const { kind, info } = state.model;
    box.textContent =
      `${t('gen.model')}: ` +
      (kind === 'pretrained'
        ? t('gi.model.pretrained', {
            data: t(`data.${info.data}`),
            steps: state.model.manifest.steps,
            g: info.g_params.toLocaleString(),
            d: info.d_params.toLocaleString(),
          })
        : t('gi.model.trained', { steps: state.trained, start: t(`gi.start.${v().gstart}`), params: info.params.toLocaleString() }));
  }
  async function loadPretrained() {
    state.model = { kind: 'loading' };
    describeModel();
    const retry = () => exclusive(loadPretrained).catch(showError);
    const info = await loadingModel(state, { describe: describeModel, retry }, async () => {
      const loaded = await call('load', { family: 'ganimg', name: model() });
      await prepare(true);
      return loaded;
    });
    state.model = { kind: 'pretrained', info, manifest: info.manifest };
    measure('model');
    describeModel();
    await refreshAll();
  }
  /** What a session needs: the judge, the class names, real digits for D(x) (a run holds its
   * own) and, for a run that fine-tunes, the shipped networks (not for a run restored from a
   * saved file: it has its own). */
  async function prepare(pretrained, restored = false) {
    state.entropies = []; // the meter's history belongs to one model
    if (!pretrained && !restored && v().gstart === 'shipped') await call('verb', { name: 'resume', file: `assets/models/${model()}.bpk` });
    const judge = `assets/models/judge-${v().idata}`;
    await call('verb', { name: 'set_judge', texts: { manifest: `${judge}.json` }, file: `${judge}.bpk` });
    if (pretrained) await call('verb', { name: 'set_images', file: imagesFile() });
    state.classNames = await call('verb', { name: 'class_names', args: { lang: lang() } });
    nameSkewClasses($, state.classNames);
    state.trainingShares = await trainingShares(call);
  }

  // ---- the grid ------------------------------------------------------------------------
  /** The class the word box asks for: an index, -1 for none, or null (an unknown word, said). */
  async function askedClass() {
    const asked = await classOfWord(call, { t, lang }, v().class, $('gi-message'));
    return asked && (asked.class ?? -1);
  }
  async function showGrid() {
    if (!ready()) return;
    const asked = await askedClass();
    if (asked === null) return;
    state.asked = asked;
    const images = await call('verb', { name: 'generate', args: { seed: Number(v().seed), n: GRID, class: asked } });
    state.gridFlops = await call('verb', { name: 'generate_flops', args: { n: GRID } });
    drawGridCost();
    state.grid = images;
    drawGrid();
    $('grid').dataset.checksum = checksum(images);
    $('grid').dataset.seed = String(v().seed);
    await showInterpolation();
    await copies.afterGeneration();
    return true;
  }
  function drawGridCost() {
    if (state.gridFlops === undefined) return;
    $('grid-cost').textContent = imagesCost(t, lang(), 'cost.gan', { flops: state.gridFlops, n: GRID });
    $('grid-cost').dataset.flops = String(state.gridFlops);
  }
  function drawGrid() {
    if (!state.grid) return;
    const a = Number(v().ia);
    const cell = drawImages($('grid'), state.grid, GRID, COLS, 2, a);
    // B gets its own frame colour, so both ends of the line are visible.
    const b = Number(v().ib);
    const ctx = $('grid').getContext('2d');
    ctx.strokeStyle = '#e07a00';
    ctx.lineWidth = 2;
    ctx.strokeRect((b % COLS) * cell + 0.5, Math.floor(b / COLS) * cell + 0.5, cell - 1, cell - 1);
    state.cell = cell;
  }
  // A click picks the interpolation's start; a click with Shift (or the next click) its end.
  let nextEnd = 'ia';
  $('grid').addEventListener('click', (e) => {
    if (!state.grid || !state.cell) return;
    const rect = $('grid').getBoundingClientRect();
    const x = ((e.clientX - rect.left) / rect.width) * $('grid').width;
    const y = ((e.clientY - rect.top) / rect.height) * $('grid').height;
    const k = Math.floor(y / state.cell) * COLS + Math.floor(x / state.cell);
    if (k < 0 || k >= GRID) return;
    const key = e.shiftKey ? 'ib' : nextEnd;
    nextEnd = key === 'ia' ? 'ib' : 'ia';
    save({ [key]: k })
      .then(() => {
        drawGrid();
        return exclusive(showInterpolation);
      })
      .catch(showError);
  });
  for (const key of ['ia', 'ib'])
    $(key).addEventListener('change', () =>
      save({ [key]: $(key).value })
        .then(() => {
          drawGrid();
          return exclusive(showInterpolation);
        })
        .catch(showError),
    );

  // ---- interpolation -------------------------------------------------------------------
  async function showInterpolation() {
    if (!ready() || state.asked === undefined) return;
    const args = { seed: Number(v().seed), a: Number(v().ia), b: Number(v().ib), frames: FRAMES, class: state.asked };
    state.frames = await call('verb', { name: 'interpolate', args });
    drawImages($('interp-strip'), state.frames, FRAMES, FRAMES, 2);
    $('interp-strip').dataset.checksum = checksum(state.frames);
    showWalk();
  }
  function showWalk() {
    if (!state.frames) return;
    const k = Number($('walk').value);
    drawImages($('walk-image'), state.frames.subarray(k * 784, (k + 1) * 784), 1, 1, 4);
    $('walk-label').textContent = t('gi.walk', { a: fixed(k / (FRAMES - 1), 2) });
  }
  $('walk').addEventListener('input', showWalk);

  // Only a grid asked for counts, not one redrawn for a new model or seed.
  const generateGrid = () => showGrid().then((drawn) => drawn && measure('grids'));
  $('generate').onclick = () => exclusive(generateGrid).catch(showError);
  // What the risk cards need from this view.
  const kit = { $, call, t, lang, jobs, exclusive, showError, measure, imagesFile };
  const copies = imageCopies({
    ...kit,
    shown: () => (state.grid ? { pixels: state.grid, n: GRID } : null),
  });
  const quiz = imageQuiz({
    ...kit,
    // The grid's class (none when the word box is empty), as the grid draws it.
    generate: (n, seed) => call('verb', { name: 'generate', args: { seed, n, class: state.asked ?? -1 } }),
    // D is told the class the judge sees in each image.
    discriminate: (pixels, classes) => call('verb', { name: 'discriminate', args: { pixels, labels: classes } }),
    classNames: () => state.classNames,
  });
  $('class').addEventListener('keydown', (e) => {
    if (e.key === 'Enter')
      save({ class: $('class').value })
        .then(() => exclusive(generateGrid))
        .catch(showError);
  });
  $('seed').addEventListener('change', () => exclusive(showGrid).catch(showError));
  $('dice').addEventListener('click', () => exclusive(showGrid).catch(showError));

  // ---- the meter and D(x) --------------------------------------------------------------
  const watchArgs = { seed: WATCH_SEED, grid: LIVE, judged: JUDGED, scored: SCORED };
  async function showWatch(step = state.trained) {
    if (!ready()) return;
    showReading(await call('verb', { name: 'watch', args: watchArgs }), step);
  }
  function showReading(reading, step) {
    state.watch = reading;
    drawImages($('live-grid'), reading.grid, LIVE, 8, 2);
    $('live-grid').dataset.checksum = checksum(reading.grid);
    $('live-grid').dataset.step = String(step);
    const shares = classShares(reading.judged);
    if (shares) {
      const entropy = -shares.reduce((h, p) => h + (p > 0 ? p * Math.log2(p) : 0), 0);
      if (!state.entropies.length || state.entropies.at(-1).step < step) state.entropies.push({ step, entropy });
      else state.entropies.at(-1).entropy = entropy;
      state.shares = shares;
      state.entropy = entropy;
    }
    drawMeter();
    drawDx();
  }
  function classShares(classes) {
    if (!classes) return null;
    const counts = Array(10).fill(0);
    for (const c of classes) counts[c] += 1;
    return counts.map((c) => c / classes.length);
  }
  const name = (c) => state.classNames[c] ?? String(c);
  function drawMeter() {
    const canvas = $('meter');
    const ctx = canvas.getContext('2d');
    const { width, height } = canvas;
    ctx.clearRect(0, 0, width, height);
    const shares = state.shares;
    canvas.dataset.shares = shares ? JSON.stringify(shares.map((s) => Number(s.toFixed(3)))) : '';
    canvas.dataset.step = String(state.entropies.at(-1)?.step ?? '');
    if (!shares) return;
    const bar = width / 10;
    const top = Math.max(0.3, ...shares, ...(state.trainingShares ?? []));
    const base = height - 20;
    // The 2 % floor and the fair share (10 %), as lines across the bars.
    const yOf = (p) => base - (p / top) * (base - 16);
    ctx.font = '10px sans-serif';
    ctx.textAlign = 'center';
    shares.forEach((p, c) => {
      ctx.fillStyle = p < FLOOR ? '#c62828' : CLASS_COLOURS[c];
      ctx.fillRect(c * bar + 4, yOf(p), bar - 8, base - yOf(p));
      ctx.fillStyle = '#1d2330';
      ctx.fillText(`${fixed(100 * p, p < 0.1 ? 1 : 0)}%`, c * bar + bar / 2, yOf(p) - 3);
      ctx.fillText(name(c).slice(0, 8), c * bar + bar / 2, height - 6);
    });
    for (const [p, colour] of [
      [0.1, '#9aa3b5'],
      [FLOOR, '#c62828'],
    ]) {
      ctx.strokeStyle = colour;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(0, yOf(p));
      ctx.lineTo(width, yOf(p));
      ctx.stroke();
    }
    ctx.setLineDash([]);
    drawTrainingMarks(canvas, state.trainingShares, { bar, yOf });
    $('entropy').textContent = t('gi.entropy', { h: fixed(state.entropy, 2), max: fixed(Math.log2(10), 2) });
    $('entropy').dataset.entropy = String(state.entropy);
    const low = shares.map((p, c) => [p, c]).filter(([p]) => p < FLOOR);
    $('meter-warning').textContent = low.length
      ? t('gi.meter.warning', { classes: low.map(([p, c]) => `${name(c)} (${fixed(100 * p, 1)} %)`).join(', ') })
      : '';
    $('meter-warning').dataset.low = JSON.stringify(low.map(([, c]) => c));
    drawLossChart($('entropy-chart'), state.entropies, Number(v().steps), [['entropy', t('gi.entropy.series')]], null);
  }
  function drawDx() {
    const canvas = $('dx');
    const ctx = canvas.getContext('2d');
    const { width, height } = canvas;
    ctx.clearRect(0, 0, width, height);
    const w = state.watch;
    if (!w?.real) {
      $('dx-means').textContent = '';
      return;
    }
    const [real, fake] = [histogram(w.real, BINS), histogram(w.fake, BINS)];
    const top = Math.max(...real, ...fake, 0.2);
    const base = height - 20;
    const bin = width / BINS;
    ctx.font = '10px sans-serif';
    ctx.textAlign = 'center';
    drawHistogramPair(
      ctx,
      [
        [real, REAL],
        [fake, FAKE],
      ],
      { width, base, height: base - 10, peak: top },
    );
    ctx.fillStyle = '#1d2330';
    for (let k = 0; k <= BINS; k += 2) ctx.fillText(fixed(k / BINS, 1), Math.min(width - 8, Math.max(8, k * bin)), height - 6);
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    canvas.dataset.real = String(mean(w.real));
    canvas.dataset.fake = String(mean(w.fake));
    $('dx-means').textContent = t('gi.dx.means', { real: fixed(mean(w.real), 2), fake: fixed(mean(w.fake), 2) });
  }

  /** Everything the model draws, after it loads or changes. */
  const redraw = coalesced(exclusive, () => refreshAll());
  async function refreshAll() {
    state.grid = null;
    copies.modelChanged(ready());
    quiz.modelChanged(ready());
    if (!ready()) return;
    await showGrid();
    await showWatch();
    bumpCounter('ganimgRefreshed');
    // Which model the page now shows: its trained steps (0: the shipped one).
    document.body.dataset.refreshedAt = String(state.model.kind === 'trained' ? state.trained : 0);
  }

  // ---- training ------------------------------------------------------------------------
  function drawLoss() {
    drawLossChart(
      $('loss-chart'),
      state.history,
      Number(v().steps),
      [
        ['d', t('gan.loss.d')],
        ['g', t('gan.loss.g')],
      ],
      null,
    );
  }
  const glimpseEvery = () => Math.max(5, Math.round(Number(v().steps) / 20));
  const session = () => {
    const values = v();
    const options = {
      data: values.idata,
      batch: Number(values.batch),
      lr: Number(values.lr),
      seed: Number(values.tseed),
      mix: mixOptions(values),
    };
    return { options, data: imagesFile() };
  };
  function lockControls(running) {
    for (const f of ['idata', 'tdice', ...training.filter((f) => f !== 'steps')]) $(f).disabled = running;
  }
  const panel = trainingPanel({
    $,
    t,
    lang,
    call,
    jobs,
    state,
    listeners,
    session,
    lockControls,
    drawLoss,
    family: 'ganimg',
    measure,
    costReference: 'sd',
    opened: ({ restored } = {}) => prepare(false, restored),
    chunk: { webgpu: 2, cpu: 1 },
    glimpse: () => ({ verb: 'watch', args: watchArgs, every: glimpseEvery() }),
    showGlimpse: (e) => showReading(e.value, e.step),
    modelChanged: () => {
      describeModel();
      redraw().catch(showError);
    },
    lossText: ({ d, g }) => t('gan.loss.value', { d: fixed(d, 3), g: fixed(g, 3) }),
    forget: loadPretrained,
  });

  // ---- first view ----------------------------------------------------------------------
  describeModel();
  panel.start(loadPretrained).catch(showError);

  return {
    async translate() {
      panel.drawCost();
      drawGridCost();
      copies.translate();
      quiz.translate();
      describeModel();
      drawLoss();
      showWalk();
      if (ready()) {
        state.classNames = await call('verb', { name: 'class_names', args: { lang: lang() } }).catch(() => state.classNames);
        nameSkewClasses($, state.classNames);
        drawMeter();
        drawDx();
      }
    },
  };
}
