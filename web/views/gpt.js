import {
  html,
  jobQueue,
  drawLossChart,
  drawProbabilityBars,
  seedControl,
  bindSpecControls,
  fixed,
  loadingModel,
  showLoadFailure,
  bumpCounter,
} from './common.js';
import { TRAINING_BUTTONS, trainingPanel } from './training_panel.js';
import { COPY_FINDER, copyFinder } from './copy_finder.js';
import { generationCost } from './cost_meter.js';
import { WORD_BIAS, wordBias } from './word_bias.js';
import { TUNE_PANEL, tunePanel } from './tune_panel.js';
import { MOLECULE_PANEL, moleculePanel } from './molecule_panel.js';

// The GPT view: generate with a pretrained or freshly trained tiny GPT, look at the
// next-character probabilities and the attention maps, and train one live.
const PRETRAINED = ['frases', 'refranes', 'shakespeare', 'musica', 'moleculas'];
const DATA = ['frases', 'refranes', 'shakespeare', 'palabras', 'musica', 'moleculas', 'custom'];
// Data sets written in a notation a student may not know: two sentences say what it is.
const EXPLAINED = ['musica', 'moleculas'];
const SIZES = ['nano', 'tiny', 'small'];
const INSPECT_CHARS = 48; // the attention map stays readable up to about this many rows
const FIRST_SAMPLE_CHARS = 60; // written on arrival: cheap, and enough to show the model's style

export async function mount(root, { call, listeners, spec, updateSpec, t, showError, lang, measure }) {
  root.append(html`
  <section class="card" id="gpt-generate">
    <h2 data-i18n="view.gpt"></h2>
    <p class="intro" data-i18n="gpt.intro"></p>
    <div class="grid-2">
      <div>
        <h3 data-i18n="gen.title"></h3>
        <p class="status" id="model-info"></p>
        <label class="controls block"><span data-i18n="gen.prompt"></span>
          <textarea id="prompt" rows="2" data-i18n-placeholder="gen.prompt.placeholder"></textarea></label>
        <div class="controls">
          <label><span data-i18n="gen.temp"></span><span><input id="temp" type="range" min="0" max="2" step="0.05"> <output id="temp-value"></output></span></label>
          <label><span data-i18n="gen.topk"></span><input id="topk" type="number" min="0" max="256" step="1"></label>
          <label><span data-i18n="gen.topp"></span><input id="topp" type="number" min="0.01" max="1" step="0.05"></label>
          <label><span data-i18n="gen.len"></span><input id="len" type="number" min="1" max="2000" step="10"></label>
          ${seedControl('seed', 'dice', 'gen.seed')}
        </div>
        <p class="help" data-i18n="gen.temp.help"></p>
        <div class="controls">
          <button id="generate" data-i18n="gen.generate" disabled></button>
          <button id="stop-generate" class="secondary" data-i18n="gen.stop" disabled></button>
        </div>
        <p class="help" id="gen-busy" data-i18n="gen.busy" hidden></p>
        <p class="message" id="gen-message"></p>
        <div class="output" id="output"></div>
        <p class="status" id="gen-speed"></p>
        <p class="status" id="gen-cost"></p>
      </div>
      <div>
        <h3 data-i18n="probs.title"></h3>
        <p class="help" id="probs-help" data-i18n="probs.empty"></p>
        <div class="bars" id="bars"></div>
        <h3 data-i18n="attn.title"></h3>
        <div class="controls">
          <label><span data-i18n="attn.layer"></span><select id="layer"></select></label>
          <label><span data-i18n="attn.head"></span><select id="head"></select></label>
        </div>
        <canvas id="attention" width="380" height="380"></canvas>
        <p class="help" data-i18n="attn.help"></p>
      </div>
    </div>
  </section>
  ${TUNE_PANEL}
  ${MOLECULE_PANEL}
  ${COPY_FINDER}
  ${WORD_BIAS}
  <section class="card" id="gpt-train">
    <h2 data-i18n="train.title"></h2>
    <p class="intro" data-i18n="train.intro"></p>
    <div class="controls">
      <label><span data-i18n="train.data"></span><select id="data">${DATA.map((d) => `<option value="${d}" data-i18n="data.${d}"></option>`).join('')}</select></label>
      <label><span data-i18n="train.size"></span><select id="size">${SIZES.map((s) => `<option value="${s}" data-i18n="size.${s}"></option>`).join('')}</select></label>
      <label><span data-i18n="train.lr"></span><input id="lr" type="number" min="0.00001" max="0.1" step="0.0005"></label>
      <label><span data-i18n="train.batch"></span><input id="batch" type="number" min="1" max="128" step="1"></label>
      <label><span data-i18n="train.ctx"></span><input id="ctx" type="number" min="8" max="256" step="8"></label>
      <label><span data-i18n="train.lines"></span><input id="lines" type="number" min="0" max="100000" step="10"></label>
      <label><span data-i18n="train.steps"></span><input id="steps" type="number" min="1" max="100000" step="50"></label>
      ${seedControl('tseed', 'tdice', 'train.seed')}
    </div>
    <p class="help" id="data-help" hidden></p>
    <label class="controls block" id="custom-box" hidden><span data-i18n="train.text"></span>
      <textarea id="custom-text" rows="4" data-i18n-placeholder="train.text.placeholder"></textarea></label>
    ${TRAINING_BUTTONS}
    <h3><span data-i18n="train.loss"></span> <span class="legend"><span data-i18n="train.loss.units"></span></span></h3>
    <canvas id="loss-chart" class="wide" width="760" height="220"></canvas>
    <h3 id="sample-title"></h3>
    <div class="output" id="train-sample"></div>
  </section>
  <p class="risks"><strong data-i18n="risks.title"></strong> — <span data-i18n="risks.text"></span></p>`);

  const $ = (id) => root.querySelector(`#${id}`);
  const jobs = jobQueue(updateSpec, spec);
  const { exclusive } = jobs;
  const state = {
    model: null, // {kind: 'pretrained'|'trained', info, manifest?}
    training: false, // a train loop is running in the worker
    generating: false,
    trained: 0, // optimizer steps of the live-trained model
    history: [], // {step, loss, val?}
    text: { prompt: '', generated: '' },
    selected: null, // index in the generated text whose prediction is shown
    lastInspect: null,
  };

  const tune = tunePanel({ $, t, showError, measure });
  const molecules = moleculePanel({ $, t, showError, measure });

  // ---- controls <-> spec ---------------------------------------------------------------
  const save = bindSpecControls($, jobs, {
    settings: ['temp', 'topk', 'topp', 'len', 'seed', 'prompt', 'copymin', 'bwords'],
    training: ['data', 'size', 'lr', 'batch', 'ctx', 'lines', 'tseed', 'steps'],
    discard: () => discardTrained(),
    render(v) {
      if ($('custom-text') !== document.activeElement) $('custom-text').value = v.text;
      $('temp-value').textContent = fixed(v.temp, 2);
      $('custom-box').hidden = v.data !== 'custom';
      tune.visible(v.data === 'musica');
      molecules.visible(v.data === 'moleculas');
      $('data-help').hidden = !EXPLAINED.includes(v.data);
      if (EXPLAINED.includes(v.data)) {
        $('data-help').dataset.i18n = `data.help.${v.data}`;
        $('data-help').textContent = t(`data.help.${v.data}`);
      }
    },
  });
  const copies = copyFinder({
    $,
    call,
    t,
    jobs,
    save,
    exclusive,
    // The first sample is a preview: what is checked is a text the student generated.
    text: () => (state.firstSample || state.staleText ? '' : state.text.generated),
    corpusFile: () => `assets/data/${state.model.manifest.data}.txt`,
    showError,
    measure,
  });
  const bias = wordBias({
    $,
    call,
    t,
    jobs,
    exclusive,
    showError,
    measure,
    corpusFile: () => `assets/data/${state.model.manifest.data}.txt`,
  });
  const sampling = () => ({ temp: Number(jobs.values.temp), topk: Number(jobs.values.topk), topp: Number(jobs.values.topp) });
  $('temp').addEventListener('input', () => {
    $('temp-value').textContent = fixed($('temp').value, 2);
  });
  $('custom-text').addEventListener('change', () => {
    save({ text: $('custom-text').value });
    discardTrained();
  });

  // ---- model ---------------------------------------------------------------------------
  function describeModel() {
    const info = $('model-info');
    if (!state.model && state.loadFailure) return showLoadFailure(info, t, state.loadFailure);
    if (!state.model) {
      info.textContent = t('gen.model.none');
      return;
    }
    const { kind, info: i, manifest } = state.model;
    info.textContent =
      `${t('gen.model')}: ` +
      (kind === 'pretrained'
        ? t('gen.model.pretrained', {
            data: t(`data.${manifest.data}`),
            params: i.params.toLocaleString(),
            bits: fixed(manifest.val_loss / Math.LN2, 2),
          })
        : t('gen.model.trained', { steps: state.trained, params: i.params.toLocaleString() }));
    $('layer').replaceChildren(...Array.from({ length: i.layers }, (_, k) => new Option(String(k + 1), String(k))));
    $('head').replaceChildren(...Array.from({ length: i.heads }, (_, k) => new Option(String(k + 1), String(k))));
    $('generate').disabled = state.training;
  }
  // A text on screen that an earlier model wrote stays (nothing lost), said so, and is no longer
  // what ¿Copia o inventa? checks.
  function markTextStale() {
    if (!state.text.generated || state.staleText) return;
    state.staleText = true;
    $('gen-speed').textContent = t('gen.stale');
  }
  async function loadPretrainedFor(data) {
    markTextStale();
    state.model = null;
    molecules.modelChanged();
    copies.modelChanged(false);
    bias.modelChanged(false);
    $('generate').disabled = true;
    if (!PRETRAINED.includes(data)) {
      describeModel();
      return;
    }
    $('model-info').textContent = t('gen.model.loading');
    // The page works while the model arrives (the controls, training one here); say how far.
    const progress = ({ event, url, loaded }) => {
      if (event === 'progress' && url.endsWith(`/${data}.bpk`) && !state.model) {
        $('model-info').textContent = t('gen.model.loading.mb', { mb: fixed(loaded / 1e6, 1) });
      }
    };
    listeners.add(progress);
    const retry = () => exclusive(() => loadPretrainedFor(jobs.values.data)).catch(showError);
    const info = await loadingModel(state, { describe: describeModel, retry }, () => call('load', { family: 'gpt', name: data })).finally(
      () => listeners.delete(progress),
    );
    state.model = { kind: 'pretrained', info, manifest: info.manifest };
    measure('model');
    describeModel();
    copies.modelChanged(true);
    bias.modelChanged(true);
  }
  const discardTrained = () => panel.discard();
  function forgetTraining() {
    $('train-sample').textContent = '';
    return loadPretrainedFor(jobs.values.data);
  }

  // ---- generation ----------------------------------------------------------------------
  function drawBarsHelp() {
    $('probs-help').textContent = t('probs.help', { context: state.barsContext.slice(-12).replace(/\n/g, '↵') });
  }
  function drawBars(top, context) {
    state.barsContext = context;
    delete $('probs-help').dataset.i18n; // from now on the help names the context
    drawBarsHelp();
    drawProbabilityBars(
      $('bars'),
      top.map(([ch, p]) => [ch === '\n' ? '↵' : ch === ' ' ? '␣' : ch, p]),
    );
  }
  function drawOutput() {
    const out = $('output');
    if (!state.text.prompt && !state.text.generated) {
      // Built as text: a translation string never becomes markup.
      const placeholder = document.createElement('span');
      placeholder.className = 'placeholder';
      placeholder.textContent = t('gen.output.empty');
      out.replaceChildren(placeholder);
      return;
    }
    const prompt = document.createElement('span');
    prompt.className = 'prompt';
    prompt.textContent = state.text.prompt;
    const chars = [...state.text.generated].map((ch, i) => {
      const span = document.createElement('span');
      span.className = `ch${i === state.selected ? ' selected' : ''}`;
      span.textContent = ch;
      span.dataset.index = i;
      return span;
    });
    out.replaceChildren(prompt, ...chars);
  }
  $('output').addEventListener('click', (e) => {
    const index = e.target.dataset?.index;
    if (index === undefined || state.generating) return;
    state.selected = Number(index);
    drawOutput();
    measure('clicked');
    inspect([...state.text.generated].slice(0, state.selected).join(''));
  });
  async function inspect(generatedPrefix) {
    const text = (state.text.prompt + generatedPrefix).slice(-INSPECT_CHARS) || '\n';
    const args = { text, layer: Number($('layer').value || 0), head: Number($('head').value || 0), ...sampling() };
    const result = await call('verb', { name: 'inspect', args });
    state.lastInspect = { result, prefix: generatedPrefix };
    drawBars(result.top[result.top.length - 1], state.text.prompt + generatedPrefix);
    drawAttention(result);
  }
  for (const id of ['layer', 'head']) {
    $(id).addEventListener('change', () => state.lastInspect && inspect(state.lastInspect.prefix));
  }
  $('head').addEventListener('change', () => measure('head', Number($('head').value) + 1));
  function drawAttention({ chars, attention }) {
    const canvas = $('attention');
    const ctx = canvas.getContext('2d');
    const n = chars.length;
    const margin = 18;
    const cell = (canvas.width - margin) / n;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.font = `${Math.min(12, cell)}px monospace`;
    ctx.textAlign = 'center';
    ctx.fillStyle = '#5b6478';
    for (let i = 0; i < n; i++) {
      const label = chars[i] === '\n' ? '↵' : chars[i];
      ctx.fillText(label, margin + (i + 0.5) * cell, 12);
      ctx.fillText(label, 8, margin + (i + 0.8) * cell);
      for (let j = 0; j <= i; j++) {
        const w = attention[i * n + j];
        ctx.fillStyle = `rgba(61, 90, 254, ${Math.min(1, w * 1.5).toFixed(3)})`;
        ctx.fillRect(margin + j * cell, margin + i * cell, Math.max(cell - 0.5, 0.5), Math.max(cell - 0.5, 0.5));
      }
      ctx.fillStyle = '#5b6478';
    }
  }
  async function generate() {
    // A run in progress, or clicked and not started yet, pauses first: Generate never waits
    // behind a long training run.
    await panel.pause();
    await exclusive(generateNow);
  }
  async function generateNow() {
    state.generating = true;
    state.selected = null;
    state.firstSample = null;
    state.staleText = false;
    state.text = { prompt: $('prompt').value, generated: '' };
    await save({ prompt: $('prompt').value });
    $('generate').disabled = true;
    $('stop-generate').disabled = false;
    $('gen-message').textContent = '';
    $('gen-speed').textContent = '';
    $('gen-cost').textContent = '';
    state.genFlops = 0;
    drawOutput();
    try {
      const args = { prompt: state.text.prompt, seed: Number(jobs.values.seed), ...sampling() };
      const { items, ms, stopped } = await call('stream', { first: 'start', args, next: 'next', count: Number(jobs.values.len) });
      if (!stopped) measure('generated');
      showSpeed(items, ms);
      state.genChars = items;
      showGenerationCost();
      await inspect(state.text.generated);
      await copies.afterGeneration();
      // Not awaited: the score or the molecules come when their library has them.
      if (jobs.values.data === 'musica') tune.show(state.text.prompt + state.text.generated);
      if (jobs.values.data === 'moleculas') molecules.show(state.text.prompt, state.text.generated);
    } catch (err) {
      showError(err);
    } finally {
      state.generating = false;
      $('generate').disabled = false;
      $('stop-generate').disabled = true;
      bumpCounter('generated');
    }
  }
  // How fast the model wrote (the prompt's pass included): what a character costs, and the
  // figure `just bench` reads.
  function showSpeed(chars, ms) {
    const rate = chars / Math.max(ms / 1000, 1e-3);
    $('gen-speed').dataset.rate = String(rate);
    $('gen-speed').textContent = t('gen.speed', { n: chars, s: fixed(ms / 1000, 2), rate: Math.round(rate) });
  }
  // What the text cost in operations (counted by the sampler from the model's shapes).
  function showGenerationCost() {
    if (!state.genChars) return;
    $('gen-cost').textContent = generationCost(t, lang(), { flops: state.genFlops, chars: state.genChars });
    $('gen-cost').dataset.flops = String(state.genFlops);
  }
  $('generate').onclick = generate;
  $('stop-generate').onclick = () => call('stop');

  // ---- training ------------------------------------------------------------------------
  function drawLoss() {
    const series = [
      ['loss', t('train.loss.train')],
      ['val', t('train.loss.val')],
    ];
    drawLossChart($('loss-chart'), state.history, Number(jobs.values.steps), series, (l) => fixed(l / Math.LN2, 1));
    const val = state.history.findLast((p) => Number.isFinite(p.val));
    measure('val_loss', val ? val.val / Math.LN2 : null);
  }
  listeners.add((e) => {
    if (e.event === 'stream-start') {
      const { unknown, top } = e.value;
      if (unknown) $('gen-message').textContent = t('gen.unknown', { n: unknown });
      drawBars(top, state.text.prompt);
    } else if (e.event === 'stream') {
      state.text.generated += e.value.text;
      state.genFlops = e.value.flops;
      drawOutput();
      drawBars(e.value.top, state.text.prompt + state.text.generated);
      $('output').scrollTop = $('output').scrollHeight;
    }
  });

  const sampleEvery = () => Math.max(25, Math.round(Number(jobs.values.steps) / 10));
  // The session checks a pasted text's length (its tenth held out must hold a window too) and
  // says "text too short: HAS of NEEDS", and the run's memory (the link and the controls already
  // keep the batch within it for up to 128 characters; a typed text may have more) and says
  // "over the memory budget: MB MB, batch at most N".
  const TOO_SHORT = /^text too short: (\d+) of (\d+)$/;
  const OVER_BUDGET = /^over the memory budget: (\d+) MB, batch at most (\d+)$/;
  function session() {
    const v = jobs.values;
    const options = {
      size: v.size,
      ctx: Number(v.ctx),
      batch: Number(v.batch),
      lr: Number(v.lr),
      seed: Number(v.tseed),
      lines: Number(v.lines),
    };
    return v.data === 'custom' ? { options, text: v.text } : { options, data: `assets/data/${v.data}.txt` };
  }
  function lockControls(running) {
    $('generate').disabled = running || !state.model;
    $('gen-busy').hidden = !running;
    for (const f of ['data', 'size', 'lr', 'batch', 'ctx', 'lines', 'tseed', 'tdice', 'custom-text']) $(f).disabled = running;
  }
  const panel = trainingPanel({
    $,
    t,
    call,
    jobs,
    state,
    listeners,
    session,
    lockControls,
    drawLoss,
    family: 'gpt',
    lang,
    measure,
    stepName: 'step',
    chunk: { webgpu: 2, cpu: 5 },
    valEvery: sampleEvery,
    glimpse: () => ({ verb: 'sample', args: { prompt: '', len: 120, temp: 0.8, seed: 1 }, every: sampleEvery() }),
    showGlimpse: (e) => {
      $('train-sample').textContent = e.value;
    },
    modelChanged: () => {
      describeModel();
      markTextStale();
      molecules.modelChanged();
      copies.modelChanged(Boolean(state.model));
      bias.modelChanged(Boolean(state.model));
    },
    lossText: ({ loss }) => `${fixed(loss, 3)} nats (${fixed(loss / Math.LN2, 3)} bits)`,
    forget: forgetTraining,
    errorText: (err) => {
      const short = TOO_SHORT.exec(err.message);
      if (short) return t('train.tooshort', { has: short[1], n: short[2] });
      const budget = OVER_BUDGET.exec(err.message);
      if (budget) return t('train.budget', { mb: budget[1], batch: budget[2] });
      return t('error.generic', { error: err.message });
    },
  });

  // ---- first view ----------------------------------------------------------------------
  // The view opens with its model at work: a short text from the link's prompt and seed, once
  // the model is in. Generate queues behind it (a moment) and writes the whole text.
  async function writeFirstSample() {
    if (!state.model || state.text.generated || state.training) return;
    state.generating = true;
    state.text = { prompt: $('prompt').value, generated: '' };
    const count = Math.min(FIRST_SAMPLE_CHARS, Number(jobs.values.len));
    try {
      const args = { prompt: state.text.prompt, seed: Number(jobs.values.seed), ...sampling() };
      await call('stream', { first: 'start', args, next: 'next', count });
      await inspect(state.text.generated);
      state.firstSample = count;
      $('gen-speed').textContent = t('gen.first', { n: count });
    } finally {
      state.generating = false;
    }
  }
  drawOutput();
  // Not awaited: the page is usable (and translated) while a model downloads or a link's steps
  // replay; the buttons that need the model queue behind it.
  panel
    .start(() => loadPretrainedFor(jobs.values.data))
    .then(() => exclusive(writeFirstSample))
    .catch(showError);
  $('sample-title').textContent = t('train.sample', { n: sampleEvery() });

  return {
    translate() {
      $('sample-title').textContent = t('train.sample', { n: sampleEvery() });
      describeModel();
      drawOutput();
      drawLoss();
      copies.translate();
      bias.translate();
      tune.translate();
      molecules.translate();
      showGenerationCost();
      if (state.staleText) $('gen-speed').textContent = t('gen.stale');
      else if (state.firstSample) $('gen-speed').textContent = t('gen.first', { n: state.firstSample });
      panel.drawCost();
      if (state.barsContext !== undefined) drawBarsHelp();
    },
  };
}
