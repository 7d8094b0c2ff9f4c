// Helpers every view shares: HTML templates, the one-job-at-a-time queue, the loss chart
// and grey-image drawing. The training panel has its own file.

export function html(strings, ...values) {
  const template = document.createElement('template');
  template.innerHTML = strings.reduce((acc, s, i) => acc + s + (values[i] ?? ''), '');
  return template.content;
}

/**
 * Makes `link` (to another state of this page, `…#v=2&…`) load the page again when followed: one
 * view per page load, and the shell reads the link only then.
 */
export function reloadingLink(link) {
  link.onclick = (event) => {
    event.preventDefault();
    history.replaceState(null, '', link.href);
    location.reload();
  };
  return link;
}

/** A seed box (a 32-bit unsigned integer, as the link holds it) with a dice button `diceId`. */
export function seedControl(id, diceId, labelKey) {
  return `<label><span data-i18n="${labelKey}"></span><span><input id="${id}" type="number" min="0" max="4294967295" step="1">
        <button id="${diceId}" class="secondary" data-i18n-title="gen.dice" aria-label="dice">⚄</button></span></label>`;
}
/** A short fingerprint of an array of values, kept in `data-checksum` so tests can tell images apart. */
export const checksum = (values) => String(Math.round(values.reduce((a, p, i) => a + p * ((i % 97) + 1), 0) * 1000));
export const randomSeed = () => Math.floor(Math.random() * 2 ** 32);
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A library the page loads only with the data set that needs it (web/vendor/, tools/vendor.mjs):
// a classic script that defines the global `name`, run once, however many ask. A script element
// has no stall check of its own: one that has not arrived after SCRIPT_WAIT_S fails like a
// stalled fetch (fetching.js), and a later call tries again.
const SCRIPT_WAIT_S = 60;
const scripts = new Map();
export function loadGlobalScript(url, name) {
  if (!scripts.has(url)) {
    const loaded = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      const fail = (error) => {
        clearTimeout(timer);
        scripts.delete(url);
        script.remove();
        reject(error);
      };
      const timer = setTimeout(() => fail(new Error(`${url}: stalled ${SCRIPT_WAIT_S} s`)), SCRIPT_WAIT_S * 1000);
      script.src = url;
      script.onload = () => {
        clearTimeout(timer);
        if (globalThis[name]) resolve(globalThis[name]);
        else fail(new Error(`${url}: no ${name}`));
      };
      script.onerror = () => fail(new Error(`${url}: HTTP error`));
      document.head.append(script);
    });
    scripts.set(url, loaded);
  }
  return scripts.get(url);
}

// Model-changing work (load, train, generate, reset) runs one job at a time, in click order,
// so a fast second click never swaps the worker's model under a running job. A job starts
// after every control change made before it was queued has reached the link.
export function jobQueue(updateSpec, initial) {
  let queue = Promise.resolve();
  let saving = Promise.resolve();
  const jobs = {
    values: initial,
    // Called with the values after every save (the controls refill themselves).
    watchers: [],
    exclusive: (job) => (queue = queue.then(() => saving).then(job, job)),
    save(changes) {
      saving = saving.then(async () => {
        jobs.values = await updateSpec(changes);
        for (const watch of jobs.watchers) watch(jobs.values);
        return jobs.values;
      });
      return saving;
    },
  };
  return jobs;
}

/**
 * Says in `box` (a view's model line, which announced the download) that the model did not
 * load and why, with a button that tries again (`retry`).
 */
export function showLoadFailure(box, t, { error, retry }) {
  const why = document.createElement('span');
  why.textContent = t('gen.model.failed', { error: error.message || String(error) });
  const again = document.createElement('button');
  again.className = 'secondary retry-load';
  again.textContent = t('gen.model.retry');
  again.onclick = () => {
    again.disabled = true;
    retry();
  };
  box.replaceChildren(why, ' ', again);
}

/**
 * A view's download of its shipped model, `load()`: when it fails, `state.loadFailure` holds why
 * and how to try again (`retry`) for the view's model line, drawn by `describe()`, and the
 * error goes on to the caller (the error box says it too).
 */
export async function loadingModel(state, { describe, retry }, load) {
  state.loadFailure = null;
  try {
    return await load();
  } catch (error) {
    state.loadFailure = { error, retry };
    describe();
    throw error;
  }
}

/**
 * Gives an image session its data set's images if it has none (shipped weights): `file`;
 * `loading()` is called first when the file must be fetched.
 */
export async function imagesReady(call, file, loading = () => {}) {
  if (await call('verb', { name: 'has_images' })) return;
  loading();
  await call('verb', { name: 'set_images', file });
}

/**
 * `job` queued on `exclusive`, unless a call before is queued and has not started: that one
 * will draw the latest state anyway. (A fresh training run asks for a redraw when its session
 * opens and again when it ends; the first waits behind the run, so one redraw does for both.)
 */
export function coalesced(exclusive, job) {
  let queued = null;
  return () => {
    if (!queued)
      queued = exclusive(() => {
        queued = null;
        return job();
      });
    return queued;
  };
}

/**
 * Binds link keys to the inputs whose id is the key: the link's values fill them (but the one
 * being edited) and a change saves the key. `settings` change only the link; `training` keys
 * define the trained model, so changing one discards it (except `steps`, which only says how
 * far to train). `others` are filled but wired by the view; the dice (`#dice`, `#tdice`) draw
 * new seeds; `render(values)` draws what else depends on the values. Returns `save(changes)`,
 * which saves and refills.
 */
export function bindSpecControls($, jobs, { settings, training, others = [], discard, render }) {
  const fill = (values) => {
    for (const key of [...settings, ...training, ...others]) if ($(key) !== document.activeElement) $(key).value = values[key];
    render(values);
    return values;
  };
  fill(jobs.values);
  // Every save refills the controls, whoever saves (this view, the training panel).
  jobs.watchers.push(fill);
  const { save } = jobs;
  // A committed change shows what the link kept, in the box being edited too (a clamped or
  // lowered value, which `fill` leaves alone while the box has the focus).
  const commit = (key) =>
    save({ [key]: $(key).value }).then((values) => {
      $(key).value = values[key];
      return values;
    });
  for (const key of settings) $(key).addEventListener('change', () => commit(key));
  // The discard is queued at once: a change event fired by clicking Train (the input loses
  // focus) must discard the old model before that click's training starts, not after.
  for (const key of training) {
    $(key).addEventListener('change', () => {
      commit(key);
      if (key !== 'steps') discard();
    });
  }
  // A view without a sampling seed (the 2-D GAN) has no `#dice`; one without training (the
  // pixel GPT) no `#tdice`.
  if ($('dice')) $('dice').onclick = () => save({ seed: randomSeed() });
  if ($('tdice'))
    $('tdice').onclick = () => {
      save({ tseed: randomSeed() });
      discard();
    };
  return save;
}

/**
 * The class a typed word names (a digit by numeral or word, a garment by name, in the page's
 * language), asked of the worker's image family: `{ class }`, `class` null for an empty box;
 * or null for a word that names none, said in `message` with the words it knows.
 */
export async function classOfWord(call, { t, lang }, word, message) {
  message.textContent = '';
  const typed = String(word ?? '').trim();
  if (!typed) return { class: null };
  const result = await call('verb', { name: 'class_of_word', args: { word: typed, lang: lang() } });
  if (result.class === null) {
    message.textContent = t('diff.word.unknown', { word: typed, accepted: result.accepted.join(', ') });
    return null;
  }
  return { class: result.class };
}

/**
 * A library's English message (abcjs's, RDKit's) in the reader's language: the first of `known`
 * (`[pattern, key]` pairs) that matches `message`, said as `${prefix}.${key}` with the pattern's
 * captured parts as {a}, {b}, {c} (trimmed) and `params`; null when none matches.
 */
export function libraryMessage(t, known, prefix, message, params = {}) {
  for (const [pattern, key] of known) {
    const found = pattern.exec(message);
    if (found) {
      const [a = '', b = '', c = ''] = found.slice(1).map((part) => (part ?? '').trim());
      return t(`${prefix}.${key}`, { a, b, c, ...params });
    }
  }
  return null;
}

/** Adds one to the page's counter `name` (`document.body.dataset`), which tests wait for. */
export function bumpCounter(name) {
  document.body.dataset[name] = String((document.body.dataset[name] | 0) + 1);
}

/**
 * The Generate, Play/Pause and one-step buttons (`#generate`, `#play`, `#<stepId>`) of an output
 * built step by step: the diffusion view's denoising, the pixel GPT's pixels. `ensureStarted()`
 * makes sure an output is in progress (false: none could start, and the view said why);
 * `advance()` takes a step of play and says whether more remain; `stepOnce()` is the step
 * button's; `pause(ms)`, how long to wait after a step of play that took `ms`; `beforeGenerate()`
 * keeps what Generate needs (the word typed) and `restart()` drops the output in progress. Body
 * counters `played` and `stepped` count plays and steps ended. Returns `{stop, label}`: stop
 * playing (after the step in progress), and write Play's label in the page's language.
 */
export function stepPlayButtons(
  $,
  { exclusive, t, showError, stepId, ensureStarted, advance, stepOnce, pause, beforeGenerate, restart, counters },
) {
  let playing = false;
  const label = () => {
    $('play').textContent = t(playing ? 'diff.pause' : 'diff.play');
  };
  async function play() {
    playing = true;
    label();
    try {
      if (!(await ensureStarted())) return;
      while (playing) {
        const started = performance.now();
        if (!(await advance())) break;
        const wait = pause(performance.now() - started);
        if (wait > 0) await sleep(wait);
      }
    } catch (err) {
      showError(err);
    } finally {
      playing = false;
      label();
      bumpCounter(counters.played);
    }
  }
  $('generate').onclick = async () => {
    playing = false;
    await beforeGenerate();
    exclusive(async () => {
      restart();
      await play();
    });
  };
  $('play').onclick = () => {
    if (playing) {
      playing = false;
      return;
    }
    exclusive(play);
  };
  $(stepId).onclick = () => {
    playing = false;
    exclusive(async () => {
      try {
        if (await ensureStarted()) await stepOnce();
      } catch (err) {
        showError(err);
      } finally {
        bumpCounter(counters.stepped);
      }
    });
  };
  return {
    stop: () => {
      playing = false;
    },
    label,
  };
}

/**
 * Probability bars in `box` (a `.bars` grid): one row per `[label, p]`, the label a string or a
 * node, `p` in 0…1; the row whose index is `chosen` is marked as the one drawn.
 */
export function drawProbabilityBars(box, rows, chosen = -1) {
  box.replaceChildren(
    ...rows.flatMap(([text, p], i) => {
      const label = document.createElement('span');
      label.className = 'label';
      label.append(text);
      const track = document.createElement('div');
      const bar = document.createElement('div');
      bar.className = i === chosen ? 'bar chosen' : 'bar';
      bar.style.width = `${(p * 100).toFixed(1)}%`;
      track.appendChild(bar);
      const pct = document.createElement('span');
      pct.className = 'pct';
      pct.textContent = `${fixed(p * 100, 1)} %`;
      return [label, track, pct];
    }),
  );
}

const SERIES_COLOURS = ['#3d5afe', '#e07a00', '#1b7f4c', '#b0008a'];

/**
 * Named loss series against steps: `points` are {step, [key]: value…}; `series` lists
 * [key, label] pairs in legend order (colours follow it); `right` labels a second axis
 * (e.g. nats as bits) or is null. The first series' values are kept in `data-losses`.
 */
export function drawLossChart(canvas, points, maxStep, series, right) {
  canvas.width = canvas.clientWidth || canvas.width; // follow the card's width
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  const pad = { l: 44, r: 40, t: 10, b: 22 };
  ctx.clearRect(0, 0, width, height);
  canvas.dataset.losses = JSON.stringify(points.filter((p) => p[series[0][0]] != null).map((p) => p[series[0][0]]));
  maxStep = Math.max(maxStep, ...points.map((p) => p.step), 1);
  const top = Math.max(...points.flatMap((p) => series.map(([key]) => p[key] ?? 0)), 0);
  const maxLoss = (right ? Math.max(1, top) : top || 1) * 1.05;
  const x = (s) => pad.l + (s / maxStep) * (width - pad.l - pad.r);
  const y = (l) => height - pad.b - (l / maxLoss) * (height - pad.t - pad.b);
  ctx.strokeStyle = '#d9dde6';
  ctx.fillStyle = '#5b6478';
  ctx.font = '11px sans-serif';
  for (let k = 0; k <= 4; k++) {
    const l = (maxLoss * k) / 4;
    ctx.beginPath();
    ctx.moveTo(pad.l, y(l));
    ctx.lineTo(width - pad.r, y(l));
    ctx.stroke();
    ctx.textAlign = 'right';
    ctx.fillText(fixed(l, l < 1 ? 2 : 1), pad.l - 4, y(l) + 4);
    if (right) {
      ctx.textAlign = 'left';
      ctx.fillText(right(l), width - pad.r + 4, y(l) + 4);
    }
  }
  ctx.textAlign = 'center';
  ctx.fillText('0', pad.l, height - 6);
  ctx.fillText(String(maxStep), width - pad.r, height - 6);
  let legendX = pad.l + 8;
  ctx.textAlign = 'left';
  series.forEach(([key, label], i) => {
    const colour = SERIES_COLOURS[i % SERIES_COLOURS.length];
    const line = points.filter((p) => p[key] != null);
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.beginPath();
    for (const [j, p] of line.entries()) (j ? ctx.lineTo : ctx.moveTo).call(ctx, x(p.step), y(p[key]));
    ctx.stroke();
    ctx.lineWidth = 1;
    if (series.length > 1) {
      // The legend along the top: a swatch, then the label.
      ctx.fillStyle = colour;
      ctx.fillRect(legendX, pad.t + 2, 10, 10);
      ctx.fillStyle = '#5b6478';
      ctx.fillText(label, legendX + 14, pad.t + 11);
      legendX += 14 + ctx.measureText(label).width + 16;
    }
  });
}

/** `x` with `digits` decimals in the page's language (a decimal comma in Spanish). */
export const fixed = (x, digits) =>
  Number(x).toLocaleString(document.documentElement.lang || 'es', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    useGrouping: false,
  });

/** `values` in [0, top) counted into `bins` equal bins, as shares of all values. */
export function histogram(values, bins, top = 1) {
  const h = Array(bins).fill(0);
  for (const x of values) h[Math.max(0, Math.min(bins - 1, Math.floor((x / top) * bins)))] += 1 / values.length;
  return h;
}

/**
 * Two histograms side by side in each bin (`pair`: [[shares, colour], [shares, colour]]), across
 * `width` pixels, bars rising from `base` and `peak` reaching `height` pixels.
 */
export function drawHistogramPair(ctx, pair, { width, base, height, peak }) {
  const bin = width / pair[0][0].length;
  pair.forEach(([shares, colour], side) => {
    ctx.fillStyle = colour;
    shares.forEach((p, k) => {
      const y = (p / peak) * height;
      ctx.fillRect(k * bin + 2 + (side * (bin - 4)) / 2, base - y, (bin - 4) / 2, y);
    });
  });
}

/** Draw 28×28 images (values in [-1, 1], n×784) on `canvas`, `cols` per row, `scale`× each. */
export function drawImages(canvas, pixels, n, cols, scale, selected = -1) {
  const rows = Math.ceil(n / cols);
  const cell = 28 * scale + 2;
  canvas.width = cols * cell;
  canvas.height = rows * cell;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#1d2330';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const image = ctx.createImageData(28, 28);
  const tile = document.createElement('canvas');
  tile.width = tile.height = 28;
  const tctx = tile.getContext('2d');
  ctx.imageSmoothingEnabled = false;
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < 784; i++) {
      const v = Math.max(0, Math.min(255, Math.round((pixels[k * 784 + i] + 1) * 127.5)));
      image.data.set([v, v, v, 255], i * 4);
    }
    tctx.putImageData(image, 0, 0);
    const x = (k % cols) * cell + 1;
    const y = Math.floor(k / cols) * cell + 1;
    ctx.drawImage(tile, x, y, 28 * scale, 28 * scale);
    if (k === selected) {
      ctx.strokeStyle = '#3d5afe';
      ctx.lineWidth = 2;
      ctx.strokeRect(x - 0.5, y - 0.5, 28 * scale + 1, 28 * scale + 1);
    }
  }
  return cell;
}
