import { html, jobQueue, drawLossChart, seedControl, bindSpecControls, sleep, checksum, fixed, bumpCounter } from './common.js';
import { TRAINING_BUTTONS, trainingPanel } from './training_panel.js';

// The GAN view, in two dimensions: a target distribution in the plane, a generator that learns
// to imitate it and a discriminator that learns to tell them apart, drawn together — the
// discriminator's verdict as a heat map, where the generator sends a mesh of noise, the push D
// gives each generated point — with both losses, the Jensen–Shannon divergence and mode
// coverage live, and presets that cause mode collapse and fix it.
const TARGETS = ['ring', 'grid', 'spiral', 'moons', 'line'];
const PLANE = 2.5; // the plane drawn is [-2.5, 2.5]²
const POINTS = 500;
const FIELD = 40;
const MESH = 16;
const SNAPSHOT_SEED = 1; // the same real points and noise in every snapshot, to follow them
const REAL = [27, 127, 76];
const FAKE = [142, 68, 173];
const SLOW_PAUSE_MS = 700;
// The generator learning five times faster than the discriminator: it jumps to wherever D
// currently sees "real", D learns to reject that spot, and G hops on (MODELS.md, the 2-D GAN).
const COLLAPSE = { glr: 0.005, dlr: 0.001, diters: 1, steps: 1500 };
const FIX = { glr: 0.001, dlr: 0.001, diters: 1, steps: 1500 };
const rgb = ([r, g, b], alpha = 1) => `rgba(${r},${g},${b},${alpha})`;

export async function mount(root, { call, listeners, spec, updateSpec, t, showError, lang, measure }) {
  const number = (id, min, max, step) => `<input id="${id}" type="number" min="${min}" max="${max}" step="${step}">`;
  const select = (id, options, prefix) =>
    `<select id="${id}">${options.map((o) => `<option value="${o}" data-i18n="${prefix}.${o}"></option>`).join('')}</select>`;
  root.append(html`
  <section class="card" id="gan-plane">
    <h2 data-i18n="view.gan"></h2>
    <p class="intro" data-i18n="gan.intro"></p>
    <p class="status" id="gan-model"></p>
    <div class="controls">
      <label><span data-i18n="gan.target"></span>${select('target', TARGETS, 'gan.target')}</label>
      <button id="draw-mode" class="secondary" data-i18n="gan.draw" aria-pressed="false"></button>
      <button id="use-drawn" class="secondary" data-i18n="gan.use.drawn" disabled></button>
    </div>
    <p class="help" id="draw-help" hidden data-i18n="gan.draw.help"></p>
    <div class="map-pair">
      <canvas id="plane" width="440" height="440" class="plane"></canvas>
      <div>
        <fieldset class="layers"><legend data-i18n="gan.layers"></legend>
          ${['real', 'fake', 'heat', 'mesh', 'arrows'].map((k) => `<label><input type="checkbox" id="show-${k}" checked> <span data-i18n="gan.show.${k}"></span></label>`).join('')}
        </fieldset>
        <p class="status" id="coverage"></p>
        <p class="status" id="js-value"></p>
        <p class="help" data-i18n="gan.plane.help"></p>
      </div>
    </div>
  </section>
  <section class="card" id="gan-train">
    <h2 data-i18n="gan.train.title"></h2>
    <p class="intro" data-i18n="gan.train.intro"></p>
    <div class="grid-2">
      <fieldset class="net" id="net-g"><legend data-i18n="gan.g"></legend><div class="controls">
        <label><span data-i18n="gan.hidden"></span>${number('glayers', 0, 4, 1)}</label>
        <label><span data-i18n="gan.width"></span>${number('gwidth', 2, 256, 1)}</label>
        <label><span data-i18n="gan.noise"></span>${number('noise', 1, 16, 1)}</label>
        <label><span data-i18n="gan.opt"></span>${select('gopt', ['adam', 'sgd'], 'gan.opt')}</label>
        <label><span data-i18n="train.lr"></span>${number('glr', 0.00001, 0.5, 0.0005)}</label>
      </div></fieldset>
      <fieldset class="net" id="net-d"><legend data-i18n="gan.d"></legend><div class="controls">
        <label><span data-i18n="gan.hidden"></span>${number('dlayers', 0, 4, 1)}</label>
        <label><span data-i18n="gan.width"></span>${number('dwidth', 2, 256, 1)}</label>
        <label><span data-i18n="gan.opt"></span>${select('dopt', ['adam', 'sgd'], 'gan.opt')}</label>
        <label><span data-i18n="train.lr"></span>${number('dlr', 0.00001, 0.5, 0.0005)}</label>
        <label><span data-i18n="gan.diters"></span>${number('diters', 1, 10, 1)}</label>
      </div></fieldset>
    </div>
    <div class="controls">
      <label><span data-i18n="gan.loss"></span>${select('loss', ['ns', 'ls', 'hinge'], 'gan.loss')}</label>
      <label><span data-i18n="train.batch"></span>${number('batch', 1, 512, 1)}</label>
      <label><span data-i18n="gan.steps"></span>${number('steps', 1, 100000, 100)}</label>
      ${seedControl('tseed', 'tdice', 'train.seed')}
    </div>
    ${TRAINING_BUTTONS}
    <div class="controls">
      <button id="step-d" class="secondary" data-i18n="gan.step.d"></button>
      <button id="step-g" class="secondary" data-i18n="gan.step.g"></button>
      <button id="slow" class="secondary" data-i18n="gan.slow"></button>
      <span class="help" id="phase"></span>
    </div>
    <div class="controls">
      <button id="collapse" class="secondary" data-i18n="gan.collapse"></button>
      <button id="fix" class="secondary" data-i18n="gan.fix"></button>
    </div>
    <p class="help" id="collapse-help" hidden></p>
    <h3 data-i18n="gan.loss.title"></h3>
    <canvas id="loss-chart" class="wide" width="760" height="180"></canvas>
    <h3 data-i18n="gan.js.title"></h3>
    <p class="help" data-i18n="gan.js.help"></p>
    <canvas id="js-chart" class="wide" width="760" height="150"></canvas>
  </section>
  <p class="risks"><strong data-i18n="risks.title"></strong> — <span data-i18n="gan.risks"></span></p>`);

  const $ = (id) => root.querySelector(`#${id}`);
  const jobs = jobQueue(updateSpec, spec);
  const { exclusive } = jobs;
  const v = () => jobs.values;
  const state = {
    model: null, // {kind: 'trained', info}: the 2-D GAN always trains in the page
    training: false,
    trained: 0,
    history: [],
    divergence: [], // {step, js}
    snapshot: null,
    drawing: false,
    drawn: [], // points the user sprayed
    useDrawn: false,
  };

  // ---- controls <-> spec ---------------------------------------------------------------
  const training = [
    'target',
    'glayers',
    'gwidth',
    'noise',
    'gopt',
    'glr',
    'dlayers',
    'dwidth',
    'dopt',
    'dlr',
    'diters',
    'loss',
    'batch',
    'steps',
    'tseed',
  ];
  const save = bindSpecControls($, jobs, {
    settings: [],
    training,
    discard: () => {
      state.useDrawn = false;
      return panel.discard();
    },
    render() {},
  });

  // ---- the session ---------------------------------------------------------------------
  const options = () => {
    const values = v();
    const ints = ['glayers', 'gwidth', 'noise', 'dlayers', 'dwidth', 'diters', 'batch'];
    const out = Object.fromEntries(ints.map((k) => [k, Number(values[k])]));
    return {
      ...out,
      target: state.useDrawn ? 'drawn' : values.target,
      points: state.useDrawn ? state.drawn : [],
      loss: values.loss,
      gopt: values.gopt,
      dopt: values.dopt,
      glr: Number(values.glr),
      dlr: Number(values.dlr),
      seed: Number(values.tseed),
    };
  };
  function describeModel() {
    const box = $('gan-model');
    if (!state.model) {
      box.textContent = t('gan.model.starting');
      return;
    }
    const { info } = state.model;
    box.textContent = t('gan.model', {
      steps: state.trained,
      g: info.g_params.toLocaleString(),
      d: info.d_params.toLocaleString(),
      target: state.useDrawn ? t('gan.target.drawn') : t(`gan.target.${v().target}`),
    });
    if (state.useDrawn) box.textContent += ` · ${t('gan.drawn.link')}`;
  }
  /** A fresh pair of networks (no shipped weights: the GAN always trains here). */
  async function fresh() {
    state.model = null;
    describeModel();
    const info = await call('newTraining', { family: 'gan2d', options: options(), text: '' });
    state.model = { kind: 'trained', info };
    measure('model');
    state.trained = 0;
    measure('rounds', 0);
    state.history = [];
    state.divergence = [];
    describeModel();
    await refresh();
  }
  async function refresh(step = state.trained) {
    if (!state.model) return;
    show(await call('verb', { name: 'snapshot', args: { n: POINTS, field: FIELD, mesh: MESH, seed: SNAPSHOT_SEED } }), step);
  }
  function show(snapshot, step) {
    state.snapshot = snapshot;
    if (!state.divergence.length || state.divergence.at(-1).step < step) state.divergence.push({ step, js: snapshot.js });
    drawPlane();
    drawCoverage();
    drawCharts();
    const plane = $('plane');
    plane.dataset.checksum = checksum(snapshot.fake);
    plane.dataset.field = checksum(snapshot.field);
    plane.dataset.mesh = checksum(snapshot.mesh);
    plane.dataset.step = String(step);
    const mean = (k) => snapshot.real.filter((_, i) => i % 2 === k).reduce((a, b) => a + b, 0) / (snapshot.real.length / 2);
    plane.dataset.realMean = JSON.stringify([mean(0), mean(1)]);
    bumpCounter('snapshots');
  }

  // ---- the plane -----------------------------------------------------------------------
  const toPixel = (canvas, x, y) => [((x + PLANE) / (2 * PLANE)) * canvas.width, ((PLANE - y) / (2 * PLANE)) * canvas.height];
  const shown = (k) => $(`show-${k}`).checked;
  function drawPlane() {
    const canvas = $('plane');
    const ctx = canvas.getContext('2d');
    const { width, height } = canvas;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
    const s = state.snapshot;
    if (s && shown('heat')) drawHeat(ctx, s.field, width, height);
    ctx.strokeStyle = '#d9dde6';
    ctx.strokeRect(0.5, 0.5, width - 1, height - 1);
    if (s && shown('mesh')) drawMesh(ctx, canvas, s.mesh);
    if (s && shown('real')) drawDots(ctx, canvas, s.real, rgb(REAL, 0.8));
    if (s && shown('fake')) drawDots(ctx, canvas, s.fake, rgb(FAKE, 0.8));
    if (s && shown('arrows')) drawArrows(ctx, canvas, s.fake, s.arrows);
    if (state.drawing || state.drawn.length) drawDots(ctx, canvas, state.drawn.flat(), '#e07a00');
  }
  function drawHeat(ctx, field, width, height) {
    const tile = document.createElement('canvas');
    tile.width = tile.height = FIELD;
    const tctx = tile.getContext('2d');
    const image = tctx.createImageData(FIELD, FIELD);
    for (let i = 0; i < FIELD * FIELD; i++) {
      // Green where D says "real", purple where it says "generated", white where it cannot tell.
      const p = field[i];
      const [c, strength] = p >= 0.5 ? [REAL, (p - 0.5) * 2] : [FAKE, (0.5 - p) * 2];
      const mix = (k) => Math.round(255 + (c[k] - 255) * strength * 0.45);
      image.data.set([mix(0), mix(1), mix(2), 255], i * 4);
    }
    tctx.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    // The lattice's points sit at the plane's edges, so its cells reach half a cell beyond.
    const cell = width / (FIELD - 1);
    ctx.drawImage(tile, -cell / 2, -cell / 2, width + cell, height + cell);
  }
  function drawMesh(ctx, canvas, mesh) {
    const count = mesh.length / 2;
    const side = state.model.info.noise === 1 ? 0 : Math.round(Math.sqrt(count));
    const at = (k) => toPixel(canvas, mesh[2 * k], mesh[2 * k + 1]);
    ctx.strokeStyle = 'rgba(60, 60, 80, 0.35)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    if (side === 0) {
      for (let k = 0; k < count; k++) (k ? ctx.lineTo : ctx.moveTo).call(ctx, ...at(k));
    } else {
      for (let r = 0; r < side; r++)
        for (let c = 0; c < side; c++) {
          const k = r * side + c;
          if (c + 1 < side) {
            ctx.moveTo(...at(k));
            ctx.lineTo(...at(k + 1));
          }
          if (r + 1 < side) {
            ctx.moveTo(...at(k));
            ctx.lineTo(...at(k + side));
          }
        }
    }
    ctx.stroke();
  }
  function drawDots(ctx, canvas, flat, colour) {
    ctx.fillStyle = colour;
    for (let k = 0; k < flat.length / 2; k++) {
      const [x, y] = toPixel(canvas, flat[2 * k], flat[2 * k + 1]);
      ctx.beginPath();
      ctx.arc(x, y, 2.2, 0, 2 * Math.PI);
      ctx.fill();
    }
  }
  function drawArrows(ctx, canvas, fake, grads) {
    // Lengths relative to the largest push, so the picture reads the same at any loss scale.
    let top = 1e-12;
    for (let k = 0; k < grads.length / 2; k++) top = Math.max(top, Math.hypot(grads[2 * k], grads[2 * k + 1]));
    ctx.strokeStyle = 'rgba(30, 30, 30, 0.55)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let k = 0; k < fake.length / 2; k += 3) {
      const [x, y] = toPixel(canvas, fake[2 * k], fake[2 * k + 1]);
      const dx = (grads[2 * k] / top) * 18;
      const dy = (-grads[2 * k + 1] / top) * 18;
      ctx.moveTo(x, y);
      ctx.lineTo(x + dx, y + dy);
    }
    ctx.stroke();
  }
  for (const k of ['real', 'fake', 'heat', 'mesh', 'arrows']) $(`show-${k}`).addEventListener('change', drawPlane);

  function drawCoverage() {
    const s = state.snapshot;
    const c = s?.coverage;
    $('coverage').textContent = c ? t('gan.coverage', { hit: c.modes_hit, modes: c.modes, within: Math.round(100 * c.within) }) : '';
    $('coverage').dataset.modes = c ? String(c.modes_hit) : '';
    measure('modes', c ? c.modes_hit : null);
    $('coverage').dataset.within = c ? String(c.within) : '';
    $('js-value').textContent = s ? t('gan.js', { js: fixed(s.js, 3) }) : '';
  }

  // ---- drawing a target ------------------------------------------------------------------
  $('draw-mode').onclick = () => {
    state.drawing = !state.drawing;
    $('draw-mode').setAttribute('aria-pressed', String(state.drawing));
    $('draw-help').hidden = !state.drawing;
    drawPlane();
  };
  let spraying = false;
  const spray = (e) => {
    const canvas = $('plane');
    const rect = canvas.getBoundingClientRect();
    const x = ((e.clientX - rect.left) / rect.width) * 2 * PLANE - PLANE;
    const y = PLANE - ((e.clientY - rect.top) / rect.height) * 2 * PLANE;
    // A few points around the pointer, like a spray can; a fixed pattern keeps it reproducible.
    for (const [dx, dy] of [
      [0, 0],
      [0.05, 0.02],
      [-0.03, 0.05],
      [-0.04, -0.03],
    ])
      if (state.drawn.length < 2000) state.drawn.push([x + dx, y + dy]);
    $('use-drawn').disabled = state.drawn.length < 10;
    drawPlane();
  };
  $('plane').addEventListener('pointerdown', (e) => {
    if (!state.drawing) return;
    spraying = true;
    $('plane').setPointerCapture?.(e.pointerId);
    spray(e);
  });
  $('plane').addEventListener('pointermove', (e) => spraying && spray(e));
  $('plane').addEventListener('pointerup', () => {
    spraying = false;
  });
  $('use-drawn').onclick = () => {
    state.drawing = false;
    $('draw-mode').setAttribute('aria-pressed', 'false');
    $('draw-help').hidden = true;
    if (state.training) call('stop');
    exclusive(async () => {
      await jobs.save({ trained: 0 });
      state.useDrawn = true;
      await fresh();
    }).catch(showError);
  };

  // ---- single steps and the slow round ---------------------------------------------------
  function highlight(net) {
    $('net-g').classList.toggle('active', net === 'g');
    $('net-d').classList.toggle('active', net === 'd');
    $('phase').textContent = net ? t(`gan.phase.${net}`) : '';
  }
  async function stepOne(net) {
    await call('verb', { name: `step_${net}` });
    await refresh();
  }
  $('step-d').onclick = () => exclusive(() => stepOne('d')).catch(showError);
  $('step-g').onclick = () => exclusive(() => stepOne('g')).catch(showError);
  $('slow').onclick = () =>
    exclusive(async () => {
      try {
        for (let k = 0; k < Number(v().diters); k++) {
          highlight('d');
          await sleep(SLOW_PAUSE_MS);
          await stepOne('d');
        }
        highlight('g');
        await sleep(SLOW_PAUSE_MS);
        await stepOne('g');
        await sleep(SLOW_PAUSE_MS);
        measure('slow_rounds');
      } finally {
        highlight(null);
        bumpCounter('slowRounds');
      }
    }).catch(showError);

  // ---- presets: mode collapse and its fix ------------------------------------------------
  async function preset(values, help) {
    await save({ ...values, target: 'ring' });
    $('collapse-help').textContent = t(help);
    $('collapse-help').hidden = false;
    panel.discard();
    $('train').click();
  }
  $('collapse').onclick = () => preset(COLLAPSE, 'gan.collapse.help');
  $('fix').onclick = () => preset(FIX, 'gan.fix.help');

  // ---- training ------------------------------------------------------------------------
  function drawCharts() {
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
    drawLossChart($('js-chart'), state.divergence, Number(v().steps), [['js', 'JS']], null);
  }
  const snapshotEvery = () => Math.max(5, Math.round(Number(v().steps) / 60));
  function lockControls(running) {
    for (const f of ['tdice', 'step-d', 'step-g', 'slow', 'collapse', 'fix', 'use-drawn', ...training.filter((f) => f !== 'steps')])
      $(f).disabled = running || (f === 'use-drawn' && state.drawn.length < 10);
  }
  const panel = trainingPanel({
    $,
    t,
    lang,
    call,
    jobs,
    state,
    listeners,
    session: () => ({ options: options(), text: '' }),
    lockControls,
    drawLoss: drawCharts,
    family: 'gan2d',
    measure,
    stepName: 'rounds',
    chunk: { webgpu: 2, cpu: 10 },
    glimpse: () => ({ verb: 'snapshot', args: { n: POINTS, field: FIELD, mesh: MESH, seed: SNAPSHOT_SEED }, every: snapshotEvery() }),
    showGlimpse: (e) => show(e.value, e.step),
    modelChanged: () => {
      describeModel();
      exclusive(() => refresh()).catch(showError);
    },
    lossText: ({ d, g }) => t('gan.loss.value', { d: fixed(d, 3), g: fixed(g, 3) }),
    forget: fresh,
  });

  // ---- first view ----------------------------------------------------------------------
  drawPlane();
  panel.start(fresh).catch(showError);

  return {
    translate() {
      panel.drawCost();
      describeModel();
      drawCoverage();
      drawCharts();
    },
  };
}
