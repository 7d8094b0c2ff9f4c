import { html, jobQueue, seedControl, bindSpecControls, drawImages, classOfWord } from './common.js';
import { drawResultsChart, drawResultsTable } from './compare_results.js';

// "Cuatro familias, una tarea": the four shipped digit models asked the same thing, their
// samples side by side, and each measured here, on this device, the same way (the judge's
// verdicts, the Fréchet distance in its features, the nearest training digits, the time and
// the operations per image): the generative learning trilemma, measured. One worker holds one
// model, so the families are loaded, drawn and measured one after another.
const JUDGE = 'assets/models/judge-mnist';
const IMAGES = 'assets/data/mnist.bin';
const SHOWN = 16; // samples in each family's grid
const GUIDANCE = 3; // the diffusion view's default
// The pixel GPT's temperature and guidance towards the digit asked for, as `iagen-cli eval
// compare` draws.
const PIXEL_TEMP = 0.8;
const PIXEL_GUIDANCE = 2;

/**
 * Each family: the worker's family and shipped model, whether it can be asked for a digit, how
 * many images one call draws (short calls, so Cancelar answers within a second or so), and how
 * it draws `n` images of digit `digit` (null: none) from `seed` → {pixels, flops} (n×784 in
 * [-1, 1], the operations they cost, or null when the family counts them apart).
 */
const FAMILIES = [
  {
    id: 'pixelgpt',
    family: 'gpt',
    model: 'pixeles',
    takesClass: true,
    chunk: 8,
    params: (info) => info.params,
    draw: (call, digit, n, seed) =>
      call('verb', {
        name: 'write_digits',
        args: { classes: Array(n).fill(digit ?? -1), seed, guidance: PIXEL_GUIDANCE, temp: PIXEL_TEMP, topk: 0, topp: 1 },
      }),
  },
  {
    id: 'diffusion',
    family: 'diffusion',
    model: 'diffusion-mnist',
    takesClass: true,
    chunk: 10,
    params: (info) => info.params,
    async draw(call, digit, n, seed, steps) {
      const args = { labels: Array(n).fill(digit ?? -1), sampler: 'ddim', k: steps, guidance: GUIDANCE, seed };
      return { pixels: await call('verb', { name: 'sample', args }), flops: null };
    },
    // One image's reverse step, counted by the denoiser, times the steps.
    async flops(call, steps) {
      await call('verb', { name: 'start', args: { labels: [-1], sampler: 'ddim', k: steps, guidance: GUIDANCE, seed: 0 } });
      const step = await call('verb', { name: 'step' });
      return step.flops * steps;
    },
  },
  {
    id: 'vae',
    family: 'vae',
    model: 'vae-mnist-z16',
    takesClass: false,
    chunk: 100,
    params: (info) => info.params,
    async draw(call, _digit, n, seed) {
      const out = await call('verb', { name: 'prior', args: { n, seed } });
      return { pixels: out.images, flops: out.flops };
    },
  },
  {
    id: 'ganimg',
    family: 'ganimg',
    model: 'gan-mnist',
    takesClass: true,
    chunk: 100,
    // The generator alone draws; the discriminator only trains it.
    params: (info) => info.g_params,
    async draw(call, digit, n, seed) {
      const pixels = await call('verb', { name: 'generate', args: { class: digit ?? -1, n, seed } });
      return { pixels, flops: await call('verb', { name: 'generate_flops', args: { n } }) };
    },
  },
];

export async function mount(root, { call, spec, updateSpec, t, showError, lang, measure }) {
  root.append(html`
  <section class="card" id="cmp">
    <h2 data-i18n="view.compare"></h2>
    <p class="intro" data-i18n="cmp.intro"></p>
    <div class="controls">
      <label><span data-i18n="cmp.word"></span><input id="class" type="text" maxlength="40" data-i18n-placeholder="cmp.word.placeholder"></label>
      <label><span data-i18n="cmp.n"></span><input id="cmpn" type="number" min="10" max="500" step="10"></label>
      <label><span data-i18n="cmp.steps"></span><input id="dsteps" type="number" min="1" max="1000" step="1"></label>
      ${seedControl('seed', 'dice', 'gen.seed')}
    </div>
    <div class="controls">
      <button id="compare" data-i18n="cmp.run"></button>
      <button id="cancel" class="secondary" data-i18n="cmp.cancel" disabled></button>
      <progress id="cmp-progress" max="1" value="0"></progress>
      <span class="status" id="cmp-status"></span>
    </div>
    <p class="message" id="cmp-message"></p>
    <div class="compare-grids" id="grids"></div>
    <h3 data-i18n="cmp.table"></h3>
    <div class="table-scroll"><table class="compare-table" id="table"></table></div>
    <p class="help" data-i18n="cmp.table.help"></p>
    <div class="grid-2">
      <canvas id="chart" width="520" height="300"></canvas>
      <div>
        <h3 data-i18n="cmp.trilemma"></h3>
        <p data-i18n="cmp.trilemma.text"></p>
        <p class="help" id="cmp-reading"></p>
      </div>
    </div>
  </section>`);

  const $ = (id) => root.querySelector(`#${id}`);
  const jobs = jobQueue(updateSpec, spec);
  const { exclusive } = jobs;
  const v = () => jobs.values;
  // rows: each family's measured figures (filled as they come); samples: its grid's images.
  const state = { rows: new Map(), samples: new Map(), real: null, running: false, cancel: false, done: 0, total: 0 };

  bindSpecControls($, jobs, {
    settings: ['class', 'cmpn', 'dsteps', 'seed'],
    training: [],
    discard: () => {},
    render: () => {},
  });

  function drawGrids() {
    const cards = FAMILIES.map((f) => {
      const card = document.createElement('figure');
      card.className = 'compare-card';
      card.dataset.family = f.id;
      const caption = document.createElement('figcaption');
      caption.textContent = t(`cmp.family.${f.id}`);
      const canvas = document.createElement('canvas');
      canvas.className = 'pixelated';
      const samples = state.samples.get(f.id);
      if (samples) drawImages(canvas, samples, SHOWN, 4, 2);
      else drawImages(canvas, new Float32Array(SHOWN * 784).fill(-1), SHOWN, 4, 2);
      const note = document.createElement('p');
      note.className = 'help';
      if (!f.takesClass) note.textContent = t('cmp.noclass');
      card.append(caption, canvas, note);
      return card;
    });
    $('grids').replaceChildren(...cards);
  }
  function drawResults() {
    const names = Object.fromEntries(FAMILIES.map((f) => [f.id, t(`cmp.family.${f.id}`)]));
    const rows = FAMILIES.filter((f) => state.rows.has(f.id)).map((f) => ({ id: f.id, name: names[f.id], ...state.rows.get(f.id) }));
    drawResultsTable($('table'), { rows, real: state.real, t, lang: lang() });
    drawResultsChart($('chart'), { rows, t, lang: lang() });
    $('cmp-reading').textContent = rows.length ? t('cmp.reading') : '';
  }
  function showProgress(key, params = {}) {
    $('cmp-progress').max = Math.max(state.total, 1);
    $('cmp-progress').value = state.done;
    $('cmp-status').textContent = key ? t(key, params) : '';
  }

  /** The digit the request names (null: none), or undefined when the word names none. */
  async function requestedDigit() {
    const asked = await classOfWord(call, { t, lang }, v().class, $('cmp-message'));
    return asked ? asked.class : undefined;
  }

  /** `n` images shared among `digits` (as evenly as they go), in calls of `f.chunk`: {pixels, flops, labels}. */
  async function drawMany(f, digits, n, seed, steps, name) {
    const pixels = new Float32Array(n * 784);
    const labels = [];
    let flops = 0;
    let done = 0;
    // Grouped by digit (a GAN call draws one class), each group in short calls.
    for (const [k, digit] of digits.entries()) {
      let count = Math.floor(n / digits.length) + (k < n % digits.length ? 1 : 0);
      while (count > 0) {
        if (state.cancel) return null;
        const m = Math.min(f.chunk, count);
        const out = await f.draw(call, digit, m, seed + done, steps);
        pixels.set(out.pixels, done * 784);
        labels.push(...Array(m).fill(digit));
        flops += out.flops ?? 0;
        done += m;
        count -= m;
        state.done += m;
        showProgress('cmp.progress', { family: name, done, n });
      }
    }
    return { pixels, flops, labels };
  }

  async function load(f) {
    showProgress('cmp.loading', { family: t(`cmp.family.${f.id}`) });
    return call('load', { family: f.family, name: f.model });
  }

  /** Family `f` (already `loaded`, or loaded here) drawn and measured: false once cancelled. */
  async function measureFamily(f, request, { n, steps, seed }, loaded) {
    const name = t(`cmp.family.${f.id}`);
    loaded ??= await load(f);
    await call('verb', { name: 'set_judge', texts: { manifest: `${JUDGE}.json` }, file: `${JUDGE}.bpk` });
    await call('verb', { name: 'set_images', file: IMAGES });
    // The request's grid (the VAE cannot be asked: its grid is from the prior).
    const shown = await f.draw(call, f.takesClass ? request : null, SHOWN, seed, steps);
    state.samples.set(f.id, shown.pixels);
    state.done += SHOWN;
    drawGrids();
    const row = { params: f.params(loaded) };
    if (f.takesClass) {
      const asked = await drawMany(f, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], n, seed + 100000, steps, name);
      if (!asked) return false;
      const seen = await call('verb', { name: 'classify', args: { pixels: Array.from(asked.pixels), n } });
      row.asked = seen.filter((c, i) => c === asked.labels[i]).length / n;
    }
    const started = performance.now();
    const free = await drawMany(f, [null], n, seed + 200000, steps, name);
    if (!free) return false;
    row.ms = (performance.now() - started) / n;
    row.flops = f.flops ? await f.flops(call, steps) : free.flops / n;
    showProgress('cmp.scoring', { family: name });
    const scores = await call('verb', { name: 'sample_scores', args: { pixels: Array.from(free.pixels), n } });
    state.real = scores.real;
    Object.assign(row, scores);
    state.rows.set(f.id, row);
    drawResults();
    return true;
  }

  async function compare() {
    $('cmp-message').textContent = '';
    // A word is read by a model's session: the first family's, loaded first.
    const first = await load(FAMILIES[0]);
    const request = await requestedDigit();
    if (request === undefined) return showProgress('cmp.ready');
    const n = Number(v().cmpn);
    const steps = Number(v().dsteps);
    const seed = Number(v().seed);
    Object.assign(state, { rows: new Map(), samples: new Map(), real: null, running: true, cancel: false, done: 0 });
    state.total = FAMILIES.reduce((sum, f) => sum + SHOWN + n * (f.takesClass ? 2 : 1), 0);
    $('cancel').disabled = false;
    $('compare').disabled = true;
    drawGrids();
    drawResults();
    try {
      for (const [k, f] of FAMILIES.entries()) {
        if (!(await measureFamily(f, request, { n, steps, seed }, k === 0 ? first : null))) break;
      }
      showProgress(state.cancel ? 'cmp.cancelled' : 'cmp.done', { n });
      if (!state.cancel) {
        measure('asked', request ?? -1);
        measure('done');
      }
      document.body.dataset.compared = state.cancel ? 'cancelled' : 'done';
    } finally {
      state.running = false;
      $('cancel').disabled = true;
      $('compare').disabled = false;
    }
  }
  $('compare').onclick = async () => {
    await jobs.save({ class: $('class').value });
    exclusive(compare).catch((err) => {
      showProgress('');
      showError(err);
    });
  };
  $('cancel').onclick = () => {
    state.cancel = true;
    $('cancel').disabled = true;
    $('cmp-status').textContent = t('cmp.cancelling');
  };

  drawGrids();
  drawResults();
  showProgress('cmp.ready');
  return {
    translate() {
      drawGrids();
      drawResults();
      if (!state.running) showProgress(state.rows.size ? (state.cancel ? 'cmp.cancelled' : 'cmp.done') : 'cmp.ready', { n: v().cmpn });
    },
  };
}
