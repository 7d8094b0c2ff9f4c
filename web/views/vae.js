import {
  coalesced,
  html,
  imagesReady,
  jobQueue,
  drawLossChart,
  drawImages,
  seedControl,
  bindSpecControls,
  checksum,
  fixed,
  loadingModel,
  showLoadFailure,
  bumpCounter,
} from './common.js';
import { drawingPad } from './drawing_pad.js';
import { TRAINING_BUTTONS, trainingPanel } from './training_panel.js';
import { IMAGE_COPIES, imageCopies } from './image_copies.js';
import { IMAGE_QUIZ, imageQuiz } from './image_quiz.js';
import { MIX_CONTROLS, MIX_KEYS, mixOptions, nameSkewClasses, trainingShares, drawTrainingMarks } from './image_mix.js';
import { imagesCost } from './cost_meter.js';

// The VAE view: the latent map (held-out images encoded, beside images decoded over the same
// plane; the pointer decodes where it is), an input drawn or picked and its reconstruction, the
// reparameterisation z = μ + σ·ε written out, interpolation, samples from the prior, and live
// training with the two halves of the loss and one KL bar per latent dimension.
const DATA = ['mnist', 'fashion'];
const SPAN = 3; // the map and the grid cover [-3, 3]² (where N(0, I) puts almost everything)
const GRID = 15; // decoded images per side of the grid
const MAP_POINTS = 1000; // held-out images on the map
const GLIMPSE_POINTS = 500; // while training: fewer, to keep the steps coming
const EPS_DRAWS = 8;
const FRAMES = 10;
const PRIOR_SAMPLES = 100;
const JUDGED = 200; // prior samples the judge classifies for the class shares
// The training panel's experiments: each a fresh run with these settings, and its help shown.
// Digits with latent 2 still use both dimensions at β = 4; by 30 a few hundred steps collapse.
// Ones made 70 % of the digits come out as about 60 % of the samples after 300 steps. Ten
// images and 3 000 steps make samples that are near copies (a hundred only blend: MODELS.md).
const PRESETS = {
  collapse: { beta: 30 },
  'skew-preset': { idata: 'mnist', skew: 1, skewpct: 70, limit: 0 },
  'memorise-preset': { idata: 'mnist', skew: -1, limit: 10, steps: 3000, copies: 1 },
};
const CLASS_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** The shipped model for a data set and latent size, or null (then the page trains one). */
function pretrainedName(data, latent) {
  if (latent === 2) return `vae-${data}`;
  if (latent === 16 && data === 'mnist') return 'vae-mnist-z16';
  return null;
}
const fmt = (x) => (x < 0 ? `−${fixed(-x, 2)}` : fixed(x, 2));

export async function mount(root, { call, listeners, spec, updateSpec, t, showError, lang, measure }) {
  root.append(html`
  <section class="card" id="vae-explore">
    <h2 data-i18n="view.vae"></h2>
    <p class="intro" data-i18n="vae.intro"></p>
    <p class="status" id="vae-model"></p>
    <div class="controls">
      <label><span data-i18n="diff.data"></span><select id="idata">${DATA.map((d) => `<option value="${d}" data-i18n="data.${d}"></option>`).join('')}</select></label>
      <label><span data-i18n="vae.latent"></span><input id="latent" type="number" min="2" max="16" step="1"></label>
    </div>
    <p class="message" id="vae-message"></p>
    <h3 data-i18n="vae.map"></h3>
    <p class="help" id="map-help"></p>
    <div class="map-pair">
      <figure><canvas id="map" width="330" height="330"></canvas><figcaption data-i18n="vae.map.points"></figcaption></figure>
      <figure><canvas id="grid"></canvas><figcaption data-i18n="vae.map.grid"></figcaption></figure>
      <figure><canvas id="hover"></canvas><figcaption id="hover-z"></figcaption></figure>
    </div>
    <p class="legend" id="map-legend"></p>
  </section>
  <section class="card" id="vae-input">
    <h2 data-i18n="vae.input"></h2>
    <p class="intro" data-i18n="vae.input.intro"></p>
    <div class="map-pair">
      <figure><canvas id="pad" width="196" height="196" class="pad"></canvas>
        <figcaption class="controls">
          <button id="pen" class="secondary" data-i18n="vae.pen" aria-pressed="true"></button>
          <button id="eraser" class="secondary" data-i18n="vae.eraser" aria-pressed="false"></button>
          <button id="clear" class="secondary" data-i18n="vae.clear"></button>
        </figcaption></figure>
      <div>
        <div class="controls">
          <label><span data-i18n="vae.pick"></span><input id="pick" type="number" min="0" max="1999" step="1"></label>
          <button id="another" class="secondary" data-i18n="vae.another"></button>
        </div>
        <div class="triptych">
          <figure><canvas id="in-image"></canvas><figcaption data-i18n="vae.in"></figcaption></figure>
          <figure><canvas id="in-recon"></canvas><figcaption data-i18n="vae.recon"></figcaption></figure>
        </div>
        <p class="help" id="in-verdict"></p>
      </div>
    </div>
    <h3 data-i18n="vae.trick"></h3>
    <p class="help" data-i18n="vae.trick.help"></p>
    <pre id="equation" class="equation"></pre>
    <div class="controls"><button id="redraw" class="secondary" data-i18n="vae.redraw"></button></div>
    <canvas id="eps-strip"></canvas>
    <h3 data-i18n="vae.interp"></h3>
    <p class="help" data-i18n="vae.interp.help"></p>
    <div class="controls">
      <label><span data-i18n="vae.to"></span><input id="to" type="number" min="0" max="1999" step="1"></label>
      <label class="grow"><span id="mix-label"></span><input id="mix" type="range" min="0" max="1" step="0.01" value="0.5" class="full"></label>
    </div>
    <div class="map-pair">
      <canvas id="interp-strip"></canvas>
      <canvas id="mix-image"></canvas>
    </div>
    <h3 data-i18n="vae.prior"></h3>
    <p class="help" data-i18n="vae.prior.help"></p>
    <div class="controls">
      ${seedControl('seed', 'dice', 'gen.seed')}
      <button id="sample" data-i18n="vae.sample"></button>
    </div>
    <div class="map-pair">
      <canvas id="prior"></canvas>
      <p class="status" id="prior-cost"></p>
      <div><p class="help" data-i18n="vae.shares"></p><canvas id="shares" width="470" height="160"></canvas><p class="status" id="shares-status"></p></div>
    </div>
  </section>
  <section class="card" id="vae-train">
    <h2 data-i18n="vae.train.title"></h2>
    <p class="intro" data-i18n="vae.train.intro"></p>
    <div class="controls">
      <label><span data-i18n="vae.beta"></span><input id="beta" type="number" min="0" max="50" step="0.1"></label>
      <label><span data-i18n="train.lr"></span><input id="lr" type="number" min="0.00001" max="0.1" step="0.0005"></label>
      <label><span data-i18n="train.batch"></span><input id="batch" type="number" min="1" max="128" step="1"></label>
      <label><span data-i18n="train.steps"></span><input id="steps" type="number" min="1" max="100000" step="50"></label>
      ${seedControl('tseed', 'tdice', 'train.seed')}
    </div>
    <div class="controls">${MIX_CONTROLS}</div>
    <p class="help" data-i18n="mix.help"></p>
    ${TRAINING_BUTTONS}
    <div class="controls">
      <button id="collapse" class="secondary" data-i18n="vae.collapse"></button>
      <button id="skew-preset" class="secondary" data-i18n="vae.skew.preset"></button>
      <button id="memorise-preset" class="secondary" data-i18n="vae.memorise.preset"></button>
    </div>
    <p class="help" id="collapse-help" hidden data-i18n="vae.collapse.help"></p>
    <p class="help" id="skew-preset-help" hidden data-i18n="vae.skew.help"></p>
    <p class="help" id="memorise-preset-help" hidden data-i18n="vae.memorise.help"></p>
    <h3 data-i18n="vae.loss"></h3>
    <canvas id="loss-chart" class="wide" width="760" height="200"></canvas>
    <h3 data-i18n="vae.kl.bars"></h3>
    <p class="help" data-i18n="vae.kl.help"></p>
    <canvas id="kl-bars" width="520" height="150"></canvas>
  </section>
  ${IMAGE_COPIES}
  ${IMAGE_QUIZ}
  <p class="risks"><strong data-i18n="risks.title"></strong> — <span data-i18n="vae.risks"></span></p>`);

  const $ = (id) => root.querySelector(`#${id}`);
  const jobs = jobQueue(updateSpec, spec);
  const { exclusive } = jobs;
  const v = () => jobs.values;
  const state = {
    model: null, // {kind: 'pretrained'|'trained'|'none', info, manifest?}
    training: false,
    trained: 0,
    history: [],
    overview: null, // {mean, log_var, labels, grid, latent}
    classNames: [],
    input: null, // {pixels, mean, log_var, recon, verdict: [input, recon]}
    target: null, // {mean} of the interpolation's end image
    draw: 0, // how many times ε was drawn again
    hover: null, // {z, pending}
  };
  const latent = () => Number(v().latent);
  const ready = () => state.model && state.model.kind !== 'none';

  // ---- controls <-> spec ---------------------------------------------------------------
  const training = ['latent', 'beta', 'lr', 'batch', 'steps', 'tseed', ...MIX_KEYS];
  const save = bindSpecControls($, jobs, {
    settings: ['seed'],
    training,
    others: ['idata', 'pick', 'to'],
    discard: () => panel.discard(),
    render() {},
  });
  $('idata').addEventListener('change', () => {
    save({ idata: $('idata').value });
    panel.discard();
  });
  $('pick').addEventListener('change', () => save({ pick: $('pick').value }).then(() => exclusive(showPicked).catch(showError)));
  $('another').onclick = () => {
    const count = state.heldCount || 1000;
    save({ pick: Math.floor(Math.random() * count) }).then(() => exclusive(showPicked).catch(showError));
  };
  $('to').addEventListener('change', () => save({ to: $('to').value }).then(() => exclusive(showInterpolation).catch(showError)));
  $('seed').addEventListener('change', () => exclusive(showPrior).catch(showError));
  // The dice saves a new seed (bindSpecControls); the samples follow once it is saved.
  $('dice').addEventListener('click', () => exclusive(showPrior).catch(showError));

  // ---- model ---------------------------------------------------------------------------
  function describeModel() {
    const box = $('vae-model');
    if (!state.model && state.loadFailure) return showLoadFailure(box, t, state.loadFailure);
    if (!state.model) {
      box.textContent = t('gen.model.loading');
      return;
    }
    const { kind, info, manifest } = state.model;
    if (kind === 'none') {
      box.textContent = t('vae.model.none', { latent: latent() });
      return;
    }
    box.textContent =
      `${t('gen.model')}: ` +
      (kind === 'pretrained'
        ? t('vae.model.pretrained', {
            data: t(`data.${info.data}`),
            params: info.params.toLocaleString(),
            steps: manifest.steps,
            latent: info.latent,
            elbo: fixed(manifest.recon + manifest.kl, 1),
          })
        : t('gen.model.trained', { steps: state.trained, params: info.params.toLocaleString() }));
  }
  async function loadPretrained() {
    state.model = null;
    state.overview = null;
    describeModel();
    const name = pretrainedName(v().idata, latent());
    if (!name) {
      state.model = { kind: 'none' };
      describeModel();
      clearDrawings();
      return;
    }
    const retry = () => exclusive(loadPretrained).catch(showError);
    const info = await loadingModel(state, { describe: describeModel, retry }, () => call('load', { family: 'vae', name }));
    state.model = { kind: 'pretrained', info, manifest: info.manifest };
    measure('model');
    describeModel();
    // The images come after the model: sampling needs none, so a failed download leaves it usable.
    await prepare();
    await refreshAll();
  }
  /** What a new session needs: the judge, the held-out images (a training run has its own). */
  async function prepare() {
    const judge = `assets/models/judge-${v().idata}`;
    await call('verb', { name: 'set_judge', texts: { manifest: `${judge}.json` }, file: `${judge}.bpk` });
    await imagesReady(call, `assets/data/${v().idata}.bin`);
    state.classNames = await call('verb', { name: 'class_names', args: { lang: lang() } });
    nameSkewClasses($, state.classNames);
    state.trainingShares = await trainingShares(call);
  }
  function clearDrawings() {
    for (const id of ['grid', 'hover', 'in-image', 'in-recon', 'eps-strip', 'interp-strip', 'mix-image', 'prior'])
      $(id).width = $(id).height = 0;
    drawMap();
    drawKlBars();
    drawShares(null);
    $('equation').textContent = '';
    $('in-verdict').textContent = '';
  }

  // ---- the latent map and the grid -----------------------------------------------------
  async function showOverview() {
    state.overview = await call('verb', { name: 'overview', args: { n: MAP_POINTS, grid: GRID, span: SPAN } });
    drawOverview();
  }
  function drawOverview() {
    drawMap();
    drawGrid();
    drawKlBars();
    drawLegend();
  }
  // Map coordinates: z in [-SPAN, SPAN]² to canvas pixels, y upwards.
  const toPixel = (canvas, z1, z2) => [((z1 + SPAN) / (2 * SPAN)) * canvas.width, ((SPAN - z2) / (2 * SPAN)) * canvas.height];
  function drawMap() {
    const canvas = $('map');
    const ctx = canvas.getContext('2d');
    const { width, height } = canvas;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
    ctx.strokeStyle = '#d9dde6';
    for (let k = -SPAN; k <= SPAN; k++) {
      const [x, y] = toPixel(canvas, k, k);
      ctx.beginPath();
      ctx.moveTo(x, 0);
      ctx.lineTo(x, height);
      ctx.moveTo(0, y);
      ctx.lineTo(width, y);
      ctx.stroke();
    }
    const o = state.overview;
    canvas.dataset.points = String(o ? o.labels.length : 0);
    if (!o) return;
    ctx.globalAlpha = 0.7;
    for (let i = 0; i < o.labels.length; i++) {
      const [x, y] = toPixel(canvas, o.mean[i * o.latent], o.mean[i * o.latent + 1]);
      ctx.fillStyle = CLASS_COLOURS[o.labels[i]];
      ctx.fillRect(x - 1.5, y - 1.5, 3, 3);
    }
    ctx.globalAlpha = 1;
    const input = state.input;
    if (input) {
      // μ with an ellipse of one σ on each axis, and the line the interpolation walks.
      const [x, y] = toPixel(canvas, input.mean[0], input.mean[1]);
      const sx = (Math.exp(input.log_var[0] / 2) / (2 * SPAN)) * width;
      const sy = (Math.exp(input.log_var[1] / 2) / (2 * SPAN)) * height;
      ctx.strokeStyle = '#1d2330';
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.ellipse(x, y, Math.max(sx, 2), Math.max(sy, 2), 0, 0, 2 * Math.PI);
      ctx.stroke();
      if (state.target) {
        const [tx, ty] = toPixel(canvas, state.target.mean[0], state.target.mean[1]);
        ctx.setLineDash([4, 3]);
        ctx.beginPath();
        ctx.moveTo(x, y);
        ctx.lineTo(tx, ty);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = '#1d2330';
        ctx.fillText('B', tx + 4, ty - 4);
      }
      ctx.fillStyle = '#1d2330';
      ctx.fillText('A', x + 4, y - 4);
      ctx.lineWidth = 1;
    }
    if (state.hover) {
      const [x, y] = toPixel(canvas, state.hover.z[0], state.hover.z[1]);
      ctx.strokeStyle = '#e00';
      ctx.beginPath();
      ctx.moveTo(x - 6, y);
      ctx.lineTo(x + 6, y);
      ctx.moveTo(x, y - 6);
      ctx.lineTo(x, y + 6);
      ctx.stroke();
    }
  }
  function drawGrid() {
    const canvas = $('grid');
    const o = state.overview;
    if (!o) {
      canvas.width = canvas.height = 0;
      return;
    }
    drawImages(canvas, o.grid, GRID * GRID, GRID, 1);
    canvas.dataset.checksum = checksum(o.grid);
  }
  function drawLegend() {
    const box = $('map-legend');
    box.replaceChildren(
      ...state.classNames.flatMap((name, c) => {
        const swatch = document.createElement('span');
        swatch.className = 'swatch dot';
        swatch.style.background = CLASS_COLOURS[c];
        return [swatch, document.createTextNode(name)];
      }),
    );
    $('map-help').textContent = t(latent() === 2 ? 'vae.map.help' : 'vae.map.help.more', { latent: latent() });
  }

  // Hovering decodes the point under the pointer; one decode in flight, the newest point next.
  function hoverAt(z1, z2) {
    const z = new Float32Array(latent());
    z[0] = z1;
    z[1] = z2;
    const busy = state.hover?.pending;
    state.hover = { z, pending: busy };
    if (!busy) decodeHover();
  }
  async function decodeHover() {
    const { z } = state.hover;
    state.hover.pending = true;
    document.body.dataset.hoverBusy = '1';
    try {
      const image = await call('verb', { name: 'decode', args: { z: Array.from(z), n: 1 } });
      drawImages($('hover'), image, 1, 1, 4);
      $('hover').dataset.checksum = checksum(image);
      $('hover-z').textContent = t('vae.hover', { z1: fmt(z[0]), z2: fmt(z[1]) });
      measure('decoded');
      bumpCounter('hovered');
      drawMap();
    } catch {
      // The model is being replaced (a reset, a new run): the next movement decodes again.
    } finally {
      const newer = state.hover.z !== z;
      state.hover.pending = false;
      if (newer) decodeHover();
      else delete document.body.dataset.hoverBusy;
    }
  }
  function pointerToZ(e, canvas, toZ) {
    if (!ready() || !state.overview) return;
    const rect = canvas.getBoundingClientRect();
    const fx = (e.clientX - rect.left) / rect.width;
    const fy = (e.clientY - rect.top) / rect.height;
    hoverAt(...toZ(fx, fy));
  }
  $('map').addEventListener('pointermove', (e) => pointerToZ(e, $('map'), (fx, fy) => [-SPAN + 2 * SPAN * fx, SPAN - 2 * SPAN * fy]));
  // Grid cells are centred on their points: a cell's middle is exactly its decoded point.
  const cellStep = (2 * SPAN) / (GRID - 1);
  $('grid').addEventListener('pointermove', (e) =>
    pointerToZ(e, $('grid'), (fx, fy) => [-SPAN + (fx * GRID - 0.5) * cellStep, SPAN - (fy * GRID - 0.5) * cellStep]),
  );

  // ---- an input: drawn or held out -----------------------------------------------------
  const pad = drawingPad($('pad'), {
    onStroke: () => {
      const pixels = pad.toImage();
      if (pixels && ready()) exclusive(() => showInput(pixels)).catch(showError);
    },
  });
  const setTool = (name) => {
    pad.setTool(name);
    $('pen').setAttribute('aria-pressed', String(name === 'pen'));
    $('eraser').setAttribute('aria-pressed', String(name === 'eraser'));
  };
  $('pen').onclick = () => setTool('pen');
  $('eraser').onclick = () => setTool('eraser');
  $('clear').onclick = () => pad.clear();

  async function showPicked() {
    if (!ready()) return;
    const held = await call('verb', { name: 'held_image', args: { index: Number(v().pick) } });
    state.heldCount = held.count;
    await showInput(held.pixels);
  }
  /** Encode `pixels`, decode its mean, ask the judge about both, redraw what depends on it. */
  async function showInput(pixels) {
    const code = await call('verb', { name: 'encode', args: { pixels: Array.from(pixels), n: 1 } });
    const recon = await call('verb', { name: 'decode', args: { z: Array.from(code.mean), n: 1 } });
    const both = new Float32Array(2 * 784);
    both.set(pixels);
    both.set(recon, 784);
    const verdict = Array.from(await call('verb', { name: 'classify', args: { pixels: Array.from(both), n: 2 } }));
    state.input = { pixels, mean: code.mean, log_var: code.log_var, recon, verdict };
    state.draw = 0;
    drawImages($('in-image'), pixels, 1, 1, 4);
    drawImages($('in-recon'), recon, 1, 1, 4);
    $('in-recon').dataset.checksum = checksum(recon);
    drawVerdict();
    drawMap();
    await showEpsilon();
    await showInterpolation();
    bumpCounter('encoded');
  }
  function drawVerdict() {
    const verdict = state.input?.verdict;
    $('in-verdict').textContent = verdict
      ? t('vae.verdict', { input: state.classNames[verdict[0]] ?? '', recon: state.classNames[verdict[1]] ?? '' })
      : '';
  }

  // ---- the reparameterisation trick ----------------------------------------------------
  async function showEpsilon() {
    const input = state.input;
    if (!input) return;
    const d = latent();
    const seed = (Number(v().seed) + state.draw) >>> 0;
    const eps = await call('verb', { name: 'normals', args: { n: EPS_DRAWS * d, seed } });
    const z = new Float32Array(EPS_DRAWS * d);
    for (let k = 0; k < EPS_DRAWS; k++)
      for (let j = 0; j < d; j++) z[k * d + j] = input.mean[j] + Math.exp(input.log_var[j] / 2) * eps[k * d + j];
    const images = await call('verb', { name: 'decode', args: { z: Array.from(z), n: EPS_DRAWS } });
    drawImages($('eps-strip'), images, EPS_DRAWS, EPS_DRAWS, 2);
    $('eps-strip').dataset.checksum = checksum(images);
    state.eps = eps;
    drawEquation();
    bumpCounter('epsDrawn');
  }
  function drawEquation() {
    const input = state.input;
    if (!input || !state.eps) return;
    const d = latent();
    const shown = Math.min(d, 4);
    const lines = [];
    for (let j = 0; j < shown; j++) {
      const sigma = Math.exp(input.log_var[j] / 2);
      const e = state.eps[j];
      const z = input.mean[j] + sigma * e;
      lines.push(`z${j + 1} = μ${j + 1} + σ${j + 1}·ε${j + 1} = ${fmt(input.mean[j])} + ${fmt(sigma)} × (${fmt(e)}) = ${fmt(z)}`);
    }
    if (d > shown) lines.push(t('vae.trick.more', { n: d - shown }));
    $('equation').textContent = `${lines.join('\n')}\n${t('vae.trick.first')}`;
  }
  $('redraw').onclick = () =>
    exclusive(async () => {
      state.draw += 1;
      await showEpsilon();
      measure('eps_draws');
    }).catch(showError);

  // ---- interpolation -------------------------------------------------------------------
  async function showInterpolation() {
    const input = state.input;
    if (!input) return;
    const held = await call('verb', { name: 'held_image', args: { index: Number(v().to) } });
    const code = await call('verb', { name: 'encode', args: { pixels: Array.from(held.pixels), n: 1 } });
    state.target = { mean: code.mean };
    const d = latent();
    const z = new Float32Array(FRAMES * d);
    for (let k = 0; k < FRAMES; k++) {
      const a = k / (FRAMES - 1);
      for (let j = 0; j < d; j++) z[k * d + j] = (1 - a) * input.mean[j] + a * code.mean[j];
    }
    const frames = await call('verb', { name: 'decode', args: { z: Array.from(z), n: FRAMES } });
    drawImages($('interp-strip'), frames, FRAMES, FRAMES, 2);
    $('interp-strip').dataset.frames = String(FRAMES);
    $('interp-strip').dataset.checksum = checksum(frames);
    drawMap();
    await showMix();
  }
  async function showMix() {
    if (!state.input || !state.target) return;
    const a = Number($('mix').value);
    const z = state.input.mean.map((m, j) => (1 - a) * m + a * state.target.mean[j]);
    const image = await call('verb', { name: 'decode', args: { z: Array.from(z), n: 1 } });
    drawImages($('mix-image'), image, 1, 1, 4);
    labelMix();
  }
  /** The slider's position, in the page's language. */
  function labelMix() {
    $('mix-label').textContent = t('vae.mix', { a: fixed($('mix').value, 2) });
  }
  $('mix').addEventListener('input', () => {
    labelMix();
    measure('mix', Number($('mix').value));
    if (ready()) showMix().catch(() => {});
  });

  // ---- samples from the prior ----------------------------------------------------------
  async function showPrior() {
    if (!ready()) return;
    // The judge's shares need more samples than the grid shows: one draw of 200, the grid its
    // first 100 (the same images as a draw of 100 from the seed).
    const judged = await call('verb', { name: 'prior', args: { n: JUDGED, seed: Number(v().seed) } });
    const shown = judged.images.subarray(0, PRIOR_SAMPLES * 784);
    drawImages($('prior'), shown, PRIOR_SAMPLES, 10, 1);
    state.prior = shown;
    state.priorFlops = (judged.flops * PRIOR_SAMPLES) / JUDGED;
    drawPriorCost();
    $('prior').dataset.checksum = checksum(shown);
    $('prior').dataset.seed = String(v().seed);
    const classes = Array.from(await call('verb', { name: 'classify', args: { pixels: Array.from(judged.images), n: JUDGED } }));
    const shares = Array(10).fill(0);
    for (const c of classes) shares[c] += 1;
    drawShares(shares);
    await copies.afterGeneration();
  }
  function drawPriorCost() {
    if (state.priorFlops === undefined) return;
    $('prior-cost').textContent = imagesCost(t, lang(), 'cost.vae', { flops: state.priorFlops, n: PRIOR_SAMPLES });
    $('prior-cost').dataset.flops = String(state.priorFlops);
  }
  function drawShares(shares) {
    const canvas = $('shares');
    const ctx = canvas.getContext('2d');
    const { width, height } = canvas;
    ctx.clearRect(0, 0, width, height);
    canvas.dataset.shares = shares ? JSON.stringify(shares) : '';
    state.shares = shares;
    drawSkew();
    if (!shares) return;
    const total = shares.reduce((a, b) => a + b, 0) || 1;
    const bar = width / 10;
    // Bars reach the top at 40 %, or at the largest share when one is larger.
    const top = Math.max(0.4, ...shares.map((count) => count / total), ...(state.trainingShares ?? []));
    const yOf = (p) => height - 20 - (p / top) * (height - 34);
    ctx.font = '10px sans-serif';
    ctx.textAlign = 'center';
    shares.forEach((count, c) => {
      ctx.fillStyle = CLASS_COLOURS[c];
      ctx.fillRect(c * bar + 3, yOf(count / total), bar - 6, height - 20 - yOf(count / total));
      ctx.fillStyle = '#1d2330';
      ctx.fillText(`${Math.round((100 * count) / total)}%`, c * bar + bar / 2, 10);
      ctx.fillText(String(state.classNames[c] ?? c).slice(0, 8), c * bar + bar / 2, height - 6);
    });
    drawTrainingMarks(canvas, state.trainingShares, { bar, yOf });
  }
  /** Sesgo: the skewed class's share of the training images beside its share of the samples. */
  function drawSkew() {
    const box = $('shares-status');
    const c = Number(v().skew);
    if (!state.shares || !state.trainingShares || c < 0) {
      box.textContent = '';
      measure('skew_share', null);
      return;
    }
    const total = state.shares.reduce((a, b) => a + b, 0) || 1;
    box.textContent = t('mix.result', {
      name: state.classNames[c] ?? String(c),
      training: Math.round(100 * state.trainingShares[c]),
      generated: Math.round((100 * state.shares[c]) / total),
      n: total,
    });
    measure('skew_share', Math.round((100 * state.shares[c]) / total));
  }
  $('sample').onclick = () => exclusive(showPrior).catch(showError);
  // What the risk cards need from this view.
  const kit = { $, call, t, lang, jobs, exclusive, showError, measure, imagesFile: () => `assets/data/${v().idata}.bin` };
  const copies = imageCopies({
    ...kit,
    shown: () => (state.prior ? { pixels: state.prior, n: PRIOR_SAMPLES } : null),
  });
  const quiz = imageQuiz({
    ...kit,
    generate: async (n, seed) => (await call('verb', { name: 'prior', args: { n, seed } })).images,
    classNames: () => state.classNames,
  });

  /** Everything the model draws, after it loads or changes. */
  const redraw = coalesced(exclusive, () => refreshAll());
  async function refreshAll() {
    state.prior = null;
    copies.modelChanged(ready());
    quiz.modelChanged(ready());
    if (!ready()) return;
    await showOverview();
    await showPicked();
    await showPrior();
    bumpCounter('vaeRefreshed');
    // Which model the page now shows: its trained steps (0: the shipped one).
    document.body.dataset.refreshedAt = String(state.model.kind === 'trained' ? state.trained : 0);
  }

  // ---- training ------------------------------------------------------------------------
  // The per-dimension KL of the held-out images on the map: ½(μ² + σ² − log σ² − 1).
  function klPerDimension() {
    const o = state.overview;
    if (!o) return [];
    const n = o.labels.length;
    const kl = new Array(o.latent).fill(0);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < o.latent; j++) {
        const m = o.mean[i * o.latent + j];
        const lv = o.log_var[i * o.latent + j];
        kl[j] += (m * m + Math.exp(lv) - lv - 1) / 2 / n;
      }
    return kl;
  }
  function drawKlBars() {
    const canvas = $('kl-bars');
    const ctx = canvas.getContext('2d');
    const { width, height } = canvas;
    ctx.clearRect(0, 0, width, height);
    const kl = klPerDimension();
    canvas.dataset.kl = JSON.stringify(kl.map((k) => Number(k.toFixed(3))));
    measure('kl', kl.length ? kl.reduce((a, b) => a + b, 0) : null);
    if (!kl.length) return;
    const top = Math.max(...kl, 0.5);
    const bar = Math.min(60, width / kl.length);
    ctx.font = '10px sans-serif';
    ctx.textAlign = 'center';
    kl.forEach((k, j) => {
      const h = (k / top) * (height - 34);
      ctx.fillStyle = '#3d5afe';
      ctx.fillRect(j * bar + 4, height - 18 - h, bar - 8, h);
      ctx.fillStyle = '#1d2330';
      ctx.fillText(fixed(k, 2), j * bar + bar / 2, height - 22 - h);
      ctx.fillText(`z${j + 1}`, j * bar + bar / 2, height - 5);
    });
  }
  function drawLoss() {
    const points = state.history.map((p) => ({ ...p, elbo: p.recon + p.kl }));
    drawLossChart(
      $('loss-chart'),
      points,
      Number(v().steps),
      [
        ['elbo', t('vae.loss.elbo')],
        ['recon', t('vae.loss.recon')],
        ['kl', t('vae.loss.kl')],
      ],
      null,
    );
  }
  const glimpseEvery = () => Math.max(10, Math.round(Number(v().steps) / 20));
  const session = () => {
    const values = v();
    const options = {
      data: values.idata,
      latent: Number(values.latent),
      beta: Number(values.beta),
      batch: Number(values.batch),
      lr: Number(values.lr),
      seed: Number(values.tseed),
      mix: mixOptions(values),
    };
    return { options, data: `assets/data/${values.idata}.bin` };
  };
  function lockControls(running) {
    for (const f of ['idata', 'tdice', ...Object.keys(PRESETS), ...training.filter((f) => f !== 'steps')]) $(f).disabled = running;
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
    family: 'vae',
    measure,
    stepName: 'step',
    costReference: 'sd',
    opened: prepare,
    chunk: { webgpu: 5, cpu: 10 },
    glimpse: () => ({ verb: 'overview', args: { n: GLIMPSE_POINTS, grid: GRID, span: SPAN }, every: glimpseEvery() }),
    showGlimpse: (e) => {
      state.overview = e.value;
      drawOverview();
      $('grid').dataset.step = String(e.step);
    },
    modelChanged: () => {
      describeModel();
      redraw().catch(showError);
    },
    lossText: ({ recon, kl }) => t('vae.loss.value', { recon: fixed(recon, 1), kl: fixed(kl, 2), elbo: fixed(recon + kl, 1) }),
    forget: async () => {
      state.input = null;
      state.target = null;
      clearDrawings();
      await loadPretrained();
    },
  });

  // Posterior collapse, Sesgo and memorisation on demand: a fresh run, and what to look for.
  for (const [id, values] of Object.entries(PRESETS)) {
    $(id).onclick = async () => {
      $(`${id}-help`).hidden = false;
      await save(values);
      panel.discard();
      $('train').click();
    };
  }

  // ---- first view ----------------------------------------------------------------------
  drawMap();
  drawKlBars();
  labelMix();
  panel.start(loadPretrained).catch(showError);

  return {
    async translate() {
      panel.drawCost();
      drawPriorCost();
      copies.translate();
      quiz.translate();
      describeModel();
      drawLoss();
      labelMix();
      if (ready()) {
        state.classNames = await call('verb', { name: 'class_names', args: { lang: lang() } }).catch(() => state.classNames);
        nameSkewClasses($, state.classNames);
        drawLegend();
        drawVerdict();
        drawShares(state.shares);
        drawEquation();
      }
    },
  };
}
