import {
  html,
  imagesReady,
  jobQueue,
  drawLossChart,
  drawImages,
  seedControl,
  bindSpecControls,
  stepPlayButtons,
  checksum,
  fixed,
  loadingModel,
  showLoadFailure,
  classOfWord,
} from './common.js';
import { TRAINING_BUTTONS, trainingPanel } from './training_panel.js';
import { imagesCost } from './cost_meter.js';
import { IMAGE_COPIES, imageCopies } from './image_copies.js';
import { IMAGE_QUIZ, imageQuiz } from './image_quiz.js';
import { MIX_CONTROLS, MIX_KEYS, mixOptions, nameSkewClasses } from './image_mix.js';

// The diffusion view: denoise a grid of samples step by step (and scrub back), see x_t, the
// predicted x̂_0 and ε̂ of one sample, the noise schedule, the forward process on real
// images, generate from a word, and train a model live.
const DATA = ['mnist', 'fashion'];
const SIZES = ['nano', 'tiny'];
const SCALE = 3; // grid pixels per image pixel
const THUMBS = 10; // thumbnails along the trajectory of the selected sample

// The longest trajectory the view denoises on its own when it opens.
const FIRST_GRID_MAX_STEPS = 50;
export async function mount(root, { call, listeners, spec, updateSpec, t, showError, lang, measure }) {
  root.append(html`
  <section class="card" id="diff-generate">
    <h2 data-i18n="view.diffusion"></h2>
    <p class="intro" data-i18n="diff.intro"></p>
    <p class="status" id="diff-model"></p>
    <div class="controls">
      <label><span data-i18n="diff.data"></span><select id="idata">${DATA.map((d) => `<option value="${d}" data-i18n="data.${d}"></option>`).join('')}</select></label>
      <label><span data-i18n="diff.word"></span><input id="class" type="text" maxlength="40" data-i18n-placeholder="diff.word.placeholder"></label>
      <label><span data-i18n="diff.guide"></span><span><input id="guide" type="range" min="0" max="10" step="0.5"> <output id="guide-value"></output></span></label>
      <label><span data-i18n="diff.sampler"></span><select id="sampler"><option value="ddim">DDIM (η = 0)</option><option value="ddpm">DDPM (η = 1)</option></select></label>
      <label><span data-i18n="diff.dsteps"></span><input id="dsteps" type="number" min="1" max="1000" step="1"></label>
      <label><span data-i18n="diff.count"></span><input id="count" type="number" min="1" max="36" step="1"></label>
      ${seedControl('seed', 'dice', 'gen.seed')}
    </div>
    <p class="help" data-i18n="diff.guide.help"></p>
    <div class="controls">
      <button id="generate" data-i18n="diff.generate"></button>
      <button id="step-denoise" class="secondary" data-i18n="diff.step"></button>
      <button id="play" class="secondary" data-i18n="diff.play"></button>
      <label><span data-i18n="diff.speed"></span><input id="speed" type="range" min="1" max="30" step="1" value="8"></label>
    </div>
    <p class="message" id="diff-message"></p>
    <div class="grid-2">
      <div>
        <label class="controls block"><span id="t-label"></span>
          <input id="t-slider" type="range" min="0" max="0" step="1" value="0" class="full"></label>
        <canvas id="samples" data-i18n-title="diff.samples.help"></canvas>
        <p class="status" id="step-speed"></p>
        <p class="help" id="judge-verdict"></p>
        <p class="help" data-i18n="diff.samples.help"></p>
      </div>
      <div>
        <h3 data-i18n="diff.selected"></h3>
        <div class="triptych">
          <figure><canvas id="sel-xt"></canvas><figcaption>x<sub>t</sub></figcaption></figure>
          <figure><canvas id="sel-x0"></canvas><figcaption data-i18n="diff.x0"></figcaption></figure>
          <figure><canvas id="sel-eps"></canvas><figcaption data-i18n="diff.eps"></figcaption></figure>
        </div>
        <canvas id="thumbs"></canvas>
        <p class="help" data-i18n="diff.selected.help"></p>
        <h3 data-i18n="diff.schedule"></h3>
        <canvas id="schedule" width="380" height="170"></canvas>
        <p class="legend"><span class="swatch c0"></span>ᾱ<sub>t</sub><span class="swatch c1"></span>β<sub>t</sub>/β<sub>max</sub><span class="swatch c2"></span>log₁₀ SNR</p>
      </div>
    </div>
    <details id="forward">
      <summary data-i18n="diff.forward"></summary>
      <p class="help" data-i18n="diff.forward.help"></p>
      <div class="controls">
        <label><span data-i18n="diff.forward.image"></span><input id="fwd-index" type="number" min="0" step="1" value="0"></label>
        <label class="grow"><span id="fwd-t-label"></span><input id="fwd-t" type="range" min="0" max="999" step="1" value="0" class="full"></label>
      </div>
      <div class="triptych">
        <figure><canvas id="fwd-x0"></canvas><figcaption>x<sub>0</sub></figcaption></figure>
        <figure><canvas id="fwd-xt"></canvas><figcaption>x<sub>t</sub> ~ q(x<sub>t</sub> | x<sub>0</sub>)</figcaption></figure>
      </div>
      <p class="status" id="fwd-status"></p>
    </details>
  </section>
  <section class="card" id="diff-train">
    <h2 data-i18n="diff.train.title"></h2>
    <p class="intro" data-i18n="diff.train.intro"></p>
    <div class="controls">
      <label><span data-i18n="train.size"></span><select id="size">${SIZES.map((s) => `<option value="${s}" data-i18n="dsize.${s}"></option>`).join('')}</select></label>
      <label><span data-i18n="diff.sched"></span><select id="sched"><option value="cosine" data-i18n="diff.sched.cosine"></option><option value="linear" data-i18n="diff.sched.linear"></option></select></label>
      <label><span data-i18n="diff.tmax"></span><input id="tmax" type="number" min="10" max="1000" step="10"></label>
      <label><span data-i18n="train.lr"></span><input id="lr" type="number" min="0.00001" max="0.1" step="0.0005"></label>
      <label><span data-i18n="train.batch"></span><input id="batch" type="number" min="1" max="128" step="1"></label>
      <label><span data-i18n="train.steps"></span><input id="steps" type="number" min="1" max="100000" step="50"></label>
      ${seedControl('tseed', 'tdice', 'train.seed')}
    </div>
    <div class="controls">${MIX_CONTROLS}</div>
    <p class="help" data-i18n="mix.help"></p>
    ${TRAINING_BUTTONS}
    <h3><span data-i18n="diff.loss"></span></h3>
    <canvas id="loss-chart" class="wide" width="760" height="200"></canvas>
    <h3 id="preview-title"></h3>
    <canvas id="preview"></canvas>
  </section>
  ${IMAGE_COPIES}
  ${IMAGE_QUIZ}
  <p class="risks"><strong data-i18n="risks.title"></strong> — <span data-i18n="diff.risks"></span></p>`);

  const $ = (id) => root.querySelector(`#${id}`);
  const jobs = jobQueue(updateSpec, spec);
  const { exclusive } = jobs;
  const v = () => jobs.values;
  const state = {
    model: null, // {kind: 'pretrained'|'trained', info, manifest?}
    training: false,
    trained: 0,
    history: [],
    traj: [], // one record per reverse step: {t, after, index, total, xt, eps, x0, next}
    pos: 0, // position shown: 0 = the start noise, k = after k steps
    count: 0, // samples in the grid
    labels: [],
    selected: 0,
    verdict: null,
  };

  // ---- controls <-> spec ---------------------------------------------------------------
  const training = ['size', 'sched', 'tmax', 'lr', 'batch', 'steps', 'tseed', ...MIX_KEYS];
  const save = bindSpecControls($, jobs, {
    settings: ['class', 'guide', 'sampler', 'dsteps', 'count', 'seed'],
    training,
    others: ['idata'],
    discard: () => discardTrained(),
    render(values) {
      $('guide-value').textContent = fixed(values.guide, 1);
    },
  });
  $('guide').addEventListener('input', () => {
    $('guide-value').textContent = fixed($('guide').value, 1);
  });
  // The data set picks the pretrained model and the training images (and its class words).
  $('idata').addEventListener('change', () => {
    save({ idata: $('idata').value, class: '' });
    discardTrained();
  });

  // ---- model ---------------------------------------------------------------------------
  function describeModel() {
    const box = $('diff-model');
    if (!state.model && state.loadFailure) return showLoadFailure(box, t, state.loadFailure);
    if (!state.model) {
      box.textContent = t('gen.model.loading');
      return;
    }
    const { kind, info, manifest } = state.model;
    box.textContent =
      `${t('gen.model')}: ` +
      (kind === 'pretrained'
        ? t('diff.model.pretrained', {
            data: t(`data.${info.data}`),
            params: info.params.toLocaleString(),
            steps: manifest.steps,
            T: info.timesteps,
          })
        : t('gen.model.trained', { steps: state.trained, params: info.params.toLocaleString() }));
    drawSchedule();
  }
  async function loadPretrained() {
    state.model = null;
    describeModel();
    const retry = () => exclusive(loadPretrained).catch(showError);
    const info = await loadingModel(state, { describe: describeModel, retry }, async () => {
      const loaded = await call('load', { family: 'diffusion', name: `diffusion-${v().idata}` });
      await loadJudge();
      return loaded;
    });
    state.model = { kind: 'pretrained', info, manifest: info.manifest };
    measure('model');
    describeModel();
    resetTrajectory();
    quiz.modelChanged(true);
  }
  const discardTrained = () => panel.discard();
  /** The judge for this data set, into the worker's session, and the class names. */
  async function loadJudge() {
    const name = `assets/models/judge-${v().idata}`;
    await call('verb', { name: 'set_judge', texts: { manifest: `${name}.json` }, file: `${name}.bpk` });
    await nameClasses();
  }
  /** The data set's class names in the page's language (digits by their numeral, clothes by name). */
  async function nameClasses() {
    const result = await call('verb', { name: 'class_of_word', args: { word: '0', lang: lang() } });
    state.classNames = result.accepted.map((a) => a.replace(/ \(.*\)$/, ''));
    nameSkewClasses($, state.classNames);
  }

  // ---- the schedule chart --------------------------------------------------------------
  function currentT() {
    if (!state.traj.length) return state.model ? state.model.info.timesteps - 1 : 0;
    return state.pos === 0 ? state.traj[0].t : state.traj[state.pos - 1].after;
  }
  function drawSchedule() {
    const canvas = $('schedule');
    const ctx = canvas.getContext('2d');
    const { width, height } = canvas;
    ctx.clearRect(0, 0, width, height);
    if (!state.model) return;
    const { betas, alpha_bars: abar, snr } = state.model.info;
    const n = abar.length;
    const pad = 6;
    const x = (i) => pad + (i / Math.max(1, n - 1)) * (width - 2 * pad);
    const y = (f) => height - pad - f * (height - 2 * pad);
    const maxBeta = Math.max(...betas);
    const series = [
      ['#3d5afe', (i) => abar[i]],
      ['#e07a00', (i) => betas[i] / maxBeta],
      ['#1b7f4c', (i) => Math.min(1, Math.max(0, (Math.log10(snr[i]) + 5) / 10))],
    ];
    ctx.strokeStyle = '#d9dde6';
    ctx.strokeRect(pad, pad, width - 2 * pad, height - 2 * pad);
    for (const [colour, f] of series) {
      ctx.strokeStyle = colour;
      ctx.lineWidth = 2;
      ctx.beginPath();
      for (let i = 0; i < n; i++) i ? ctx.lineTo(x(i), y(f(i))) : ctx.moveTo(x(i), y(f(i)));
      ctx.stroke();
    }
    const now = currentT();
    ctx.strokeStyle = '#1d2330';
    ctx.lineWidth = 1;
    ctx.setLineDash([4, 3]);
    const at = x(Math.max(0, now));
    ctx.beginPath();
    ctx.moveTo(at, pad);
    ctx.lineTo(at, height - pad);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#1d2330';
    ctx.font = '11px sans-serif';
    ctx.textAlign = at > width / 2 ? 'right' : 'left';
    const i = Math.max(0, now);
    ctx.fillText(`t = ${Math.max(now, 0)}  ᾱ = ${fixed(abar[i], 3)}  SNR = ${snr[i].toExponential(1)}`, at + (at > width / 2 ? -4 : 4), 16);
  }

  // ---- the denoising grid --------------------------------------------------------------
  const cols = () => Math.ceil(Math.sqrt(state.count || 1));
  function imagesAt(pos) {
    if (!state.traj.length) return null;
    return pos === 0 ? state.traj[0].xt : state.traj[pos - 1].next;
  }
  function resetTrajectory() {
    state.traj = [];
    state.pos = 0;
    state.verdict = null;
    state.preview = false;
    measure('match', null);
    state.started = false;
    copies.modelChanged(Boolean(state.model));
    drawDenoising();
  }
  function drawDenoising() {
    const slider = $('t-slider');
    slider.max = String(state.traj.length);
    slider.value = String(state.pos);
    const now = currentT();
    const total = state.traj.length ? state.traj[0].total : Number(v().dsteps);
    $('t-label').textContent = state.traj.length
      ? t('diff.t', { t: Math.max(now, 0), done: state.pos, total }) + (now < 0 ? ` · ${t('diff.clean')}` : '')
      : t('diff.t.none');
    if (!state.preview) {
      measure('steps_done', state.traj.length);
      measure('step', state.traj.length ? state.pos : null);
    }
    const grid = $('samples');
    grid.dataset.t = String(now);
    grid.dataset.position = String(state.pos);
    const pixels = imagesAt(state.pos);
    if (pixels) {
      drawImages(grid, pixels, state.count, cols(), SCALE, state.selected);
      grid.dataset.checksum = checksum(pixels);
    } else {
      grid.width = grid.height = 0;
    }
    drawSelected();
    drawSchedule();
    drawVerdict();
  }
  function slice(arr, k) {
    return arr.subarray(k * 784, (k + 1) * 784);
  }
  function drawSelected() {
    if (!state.traj.length) {
      for (const id of ['sel-xt', 'sel-x0', 'sel-eps', 'thumbs']) $(id).width = $(id).height = 0;
      return;
    }
    const k = Math.min(state.selected, state.count - 1);
    const record = state.traj[Math.min(state.pos, state.traj.length - 1)];
    const xt = state.pos === state.traj.length ? record.next : record.xt;
    drawImages($('sel-xt'), slice(xt, k), 1, 1, 4);
    drawImages($('sel-x0'), slice(record.x0, k), 1, 1, 4);
    // ε̂ is roughly N(0, 1): shown at half contrast so it fits the grey range.
    drawImages(
      $('sel-eps'),
      slice(record.eps, k).map((e) => e / 2),
      1,
      1,
      4,
    );
    const positions = state.traj.length + 1;
    const shown = Math.min(THUMBS, positions);
    const strip = new Float32Array(shown * 784);
    for (let i = 0; i < shown; i++) {
      const pos = Math.round((i * (positions - 1)) / Math.max(1, shown - 1));
      strip.set(slice(imagesAt(pos), k), i * 784);
    }
    drawImages($('thumbs'), strip, shown, shown, 2);
  }
  function drawVerdict() {
    const box = $('judge-verdict');
    const done = state.traj.length && state.pos === state.traj.length && state.traj.at(-1).after < 0;
    if (!done || !state.verdict) {
      box.textContent = '';
      return;
    }
    const names = state.verdict.map((c) => state.classNames[c]);
    box.textContent = t('diff.judge', { labels: names.join(', ') });
  }
  $('samples').addEventListener('click', (e) => {
    const cell = 28 * SCALE + 2;
    const rect = e.target.getBoundingClientRect();
    const scale = e.target.width / rect.width;
    const col = Math.floor(((e.clientX - rect.left) * scale) / cell);
    const row = Math.floor(((e.clientY - rect.top) * scale) / cell);
    const k = row * cols() + col;
    if (k < state.count) {
      state.selected = k;
      drawDenoising();
    }
  });
  $('t-slider').addEventListener('input', () => {
    state.pos = Number($('t-slider').value);
    drawDenoising();
  });

  /** Start a new grid from the word (or every class in turn), unless the word is unknown. */
  async function startDenoising() {
    const count = Number(v().count);
    const asked = await classOfWord(call, { t, lang }, v().class, $('diff-message'));
    if (!asked) return false;
    await nameClasses();
    state.labels = Array.from({ length: count }, (_, i) => asked.class ?? i % 10);
    state.count = count;
    state.selected = Math.min(state.selected, count - 1);
    resetTrajectory();
    const args = { labels: state.labels, sampler: v().sampler, k: Number(v().dsteps), guidance: Number(v().guide), seed: Number(v().seed) };
    await call('verb', { name: 'start', args });
    state.started = true;
    return true;
  }
  /** One reverse step at the end of the trajectory; false when the sample is clean. */
  async function stepOnce() {
    const started = performance.now();
    const out = await call('verb', { name: 'step' });
    if (!out) return false;
    state.traj.push(out);
    state.pos = state.traj.length;
    drawDenoising();
    showStepTime(performance.now() - started);
    if (out.after < 0) await judge();
    return out.after >= 0;
  }
  // What one step costs (the U-Net on every sample, twice with guidance, the update, reading
  // back and drawing): the figure `just bench` reads.
  // And what the trajectory so far cost in operations (counted from the U-Net's shapes).
  function showStepTime(ms) {
    const flops = state.traj.reduce((sum, step) => sum + step.flops, 0);
    Object.assign($('step-speed').dataset, { ms: String(ms), flops: String(flops) });
    const cost = imagesCost(t, lang(), 'cost.images', { flops, n: state.count });
    $('step-speed').textContent = `${t('diff.step.time', { ms: Math.round(ms), n: state.count })} ${cost}`;
  }
  async function judge() {
    const last = state.traj.at(-1).next;
    state.verdict = Array.from(await call('verb', { name: 'classify', args: { pixels: Array.from(last), n: state.count } }));
    document.body.dataset.judged = JSON.stringify({ asked: state.labels, seen: state.verdict });
    drawVerdict();
    if (!state.preview) {
      measure('match', (100 * state.verdict.filter((c, i) => c === state.labels[i]).length) / state.count);
      measure('finished');
    }
    await copies.afterGeneration();
  }
  // What the risk cards need from this view.
  const kit = { $, call, t, lang, jobs, exclusive, showError, measure, imagesFile: () => `assets/data/${v().idata}.bin` };
  const copies = imageCopies({
    ...kit,
    // The clean samples, once the trajectory has reached them.
    shown: () => (state.traj.length && state.traj.at(-1).after < 0 ? { pixels: state.traj.at(-1).next, n: state.count } : null),
  });
  const quiz = imageQuiz({
    ...kit,
    // At the grid's settings: the word's class, or the classes in turn.
    // A word that names no class is said beside the word and in the quiz, not passed over.
    generate: async (n, seed) => {
      const asked = await classOfWord(call, { t, lang }, v().class, $('diff-message'));
      if (!asked) return { refused: $('diff-message').textContent };
      const labels = Array.from({ length: n }, (_, i) => asked.class ?? (seed + i) % 10);
      const args = { labels, sampler: v().sampler, k: Number(v().dsteps), guidance: Number(v().guide), seed };
      return call('verb', { name: 'sample', args });
    },
    classNames: () => state.classNames,
  });
  /** A grid to denoise: the current one, or a new one when none is started or it is clean. */
  async function ensureStarted() {
    const finished = state.traj.length && state.traj.at(-1).after < 0;
    return (state.started && !finished) || startDenoising();
  }
  const buttons = stepPlayButtons($, {
    exclusive,
    t,
    showError,
    stepId: 'step-denoise',
    ensureStarted,
    advance: stepOnce,
    // Stepping from a scrubbed-back position continues from the newest step.
    stepOnce,
    pause: (ms) => 1000 / Number($('speed').value) - ms,
    beforeGenerate: () => save({ class: $('class').value }),
    restart: () => {
      state.started = false;
    },
    counters: { played: 'denoised', stepped: 'stepped' },
  });

  // ---- the forward process -------------------------------------------------------------
  async function drawForward() {
    if (!$('forward').open || !state.model) return;
    $('fwd-t').max = String(state.model.info.timesteps - 1);
    $('fwd-status').textContent = t('diff.forward.loading');
    await imagesReady(call, `assets/data/${v().idata}.bin`);
    const t_ = Number($('fwd-t').value);
    const out = await call('verb', { name: 'noised', args: { index: Number($('fwd-index').value), t: t_, seed: Number(v().seed) } });
    $('fwd-index').max = String(out.count - 1);
    drawImages($('fwd-x0'), out.x0, 1, 1, 4);
    drawImages($('fwd-xt'), out.xt, 1, 1, 4);
    const abar = state.model.info.alpha_bars[t_];
    $('fwd-t-label').textContent = `t = ${t_}`;
    measure('forward_t', t_);
    $('fwd-status').textContent = t('diff.forward.status', { a: fixed(Math.sqrt(abar), 3), b: fixed(Math.sqrt(1 - abar), 3) });
  }
  const forward = () => exclusive(drawForward).catch(showError);
  $('forward').addEventListener('toggle', forward);
  $('fwd-t').addEventListener('input', forward);
  $('fwd-index').addEventListener('change', forward);

  // ---- training ------------------------------------------------------------------------
  function drawLoss() {
    drawLossChart($('loss-chart'), state.history, Number(v().steps), [['loss', t('diff.loss')]], null);
  }
  const previewEvery = () => Math.max(10, Math.round(Number(v().steps) / 10));
  const session = () => {
    const values = v();
    const options = {
      data: values.idata,
      size: values.size,
      sched: values.sched,
      tmax: Number(values.tmax),
      batch: Number(values.batch),
      lr: Number(values.lr),
      seed: Number(values.tseed),
      mix: mixOptions(values),
    };
    return { options, data: `assets/data/${values.idata}.bin` };
  };
  function lockControls(running) {
    for (const f of ['generate', 'step-denoise', 'play', 'idata', 'tdice', ...training.filter((f) => f !== 'steps')])
      $(f).disabled = running;
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
    family: 'diffusion',
    measure,
    costReference: 'sd',
    opened: loadJudge,
    chunk: { webgpu: 1, cpu: 2 },
    glimpse: () => ({ verb: 'preview', every: previewEvery() }),
    showGlimpse: (e) => {
      drawImages($('preview'), e.value, 4, 4, 2);
      $('preview').dataset.step = String(e.step);
    },
    // A new or further-trained model replaces the denoiser: the trajectory shown is stale.
    modelChanged: () => {
      resetTrajectory();
      describeModel();
      quiz.modelChanged(true);
    },
    lossText: ({ loss }) => t('diff.loss.value', { loss: fixed(loss, 4) }),
    forget: loadPretrained,
    stopOther: () => buttons.stop(),
  });

  // ---- first view ----------------------------------------------------------------------
  // The view opens with its model at work: the link's grid denoised once the model is in, for
  // the slider to scrub through; only a short trajectory (DDIM's default is 20 steps). It is a
  // preview, which a lesson's tasks do not count: they ask for the student's own grid.
  async function firstGrid() {
    if (!state.model || state.traj.length || Number(v().dsteps) > FIRST_GRID_MAX_STEPS) return;
    if (!(await startDenoising())) return;
    state.preview = true;
    while (await stepOnce());
  }
  // Not awaited: the page is usable (and translated) while the model downloads or a link's
  // steps replay; the buttons that need the model queue behind it.
  panel
    .start(loadPretrained)
    .then(() => exclusive(firstGrid))
    .catch(showError);
  $('preview-title').textContent = t('diff.preview', { n: previewEvery() });

  return {
    translate() {
      if (state.model) exclusive(nameClasses).then(drawVerdict, () => {});
      copies.translate();
      quiz.translate();
      panel.drawCost();
      $('preview-title').textContent = t('diff.preview', { n: previewEvery() });
      buttons.label();
      describeModel();
      drawDenoising();
      drawLoss();
    },
  };
}
