// The live-training panel every view has: Train / Pause / One step / Reset, a progress bar,
// status lines, the loss chart's data, and the replay of a link's trained steps. A view says
// what differs: its family and training options, what to glimpse while training, which
// controls a run locks, and what a reset or a new model redraws.

import { sleep, fixed, bumpCounter } from './common.js';
import { trainingCost } from './cost_meter.js';

export const TRAINING_BUTTONS = `
    <div class="controls">
      <button id="train" data-i18n="train.train"></button>
      <button id="pause" class="secondary" data-i18n="train.pause" disabled></button>
      <button id="step" class="secondary" data-i18n="train.step"></button>
      <button id="reset" class="secondary" data-i18n="train.reset"></button>
    </div>
    <div class="progress"><div id="progress-bar"></div></div>
    <p class="status" id="train-status"></p>
    <p class="message" id="train-message"></p>
    <div id="train-cost-box" hidden>
      <p class="status" id="train-cost"></p>
      <p class="help" data-i18n="cost.help"></p>
    </div>
    <div class="controls">
      <button id="save-model" class="secondary" data-i18n="file.save" disabled></button>
      <button id="open-model" class="secondary" data-i18n="file.open"></button>
      <input id="model-file" type="file" accept=".iagen" hidden>
      <span class="status" id="file-status"></span>
    </div>
    <div class="notices" id="replay-confirm" hidden>
      <p id="replay-question"></p>
      <button id="replay-go"></button>
      <button id="replay-skip" class="secondary" data-i18n="train.replay.skip"></button>
    </div>`;

// A saved model file: this line, a JSON line {family, hash, steps} (the experiment's link and
// its trained steps), then the weights as burnpack bytes.
const FILE_MAGIC = 'IAGEN-MODEL 1\n';
const MAX_FILE_BYTES = 64 * 2 ** 20;
const MAX_HEADER_BYTES = 32 * 1024;

/** The parts of a model file, or null when it is not one. */
function parseModelFile(bytes) {
  const magic = new TextEncoder().encode(FILE_MAGIC);
  if (bytes.length < magic.length || magic.some((b, i) => bytes[i] !== b)) return null;
  const end = bytes.indexOf(10, magic.length);
  if (end < 0 || end - magic.length > MAX_HEADER_BYTES) return null;
  try {
    const header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(magic.length, end)));
    const { family, hash, steps } = header;
    if (typeof family !== 'string' || typeof hash !== 'string' || !Number.isInteger(steps) || steps < 0) return null;
    return { family, hash, steps, weights: bytes.slice(end + 1) };
  } catch {
    return null;
  }
}

// A link that names trained steps replays them on the visitor's machine. The first few steps
// measure its speed; past this many seconds of the rest, the page asks first.
const PROBE_STEPS = 10;
const ASK_ABOVE_S = 30;
// A probe this long already says a step is slow, warm-up or not.
const PROBE_LONG_S = 5;

/**
 * Wire the panel. `state` is the view's ({model, training, trained, history}); the view gives
 * `family` (its id), `session()` (the worker's `newTraining` arguments but the family:
 * {options, data} or {options, text}), `glimpse()` ({verb, args, every}: what to show every
 * few steps, handed to `showGlimpse(event)`), `valEvery()` (optional: steps between held-out
 * losses), `chunk` ({webgpu, cpu} steps per worker chunk), `lockControls(running)`,
 * `modelChanged()`, `drawLoss()`, `lossText(losses)`, `forget()` (what a reset clears, then
 * the pretrained model again), `opened({restored})` (optional: what a new session needs before it
 * trains), `stopOther()` (optional: what a run interrupts), `errorText(err)` (optional) and
 * `lang()` (optional: the page's language, for the cost meter's numbers) and `costReference`
 * (optional: the large model the meter compares with, `sd` for images; GPT-3 otherwise),
 * `measure` (the shell's: a lesson's measurements) and `stepName` (optional: the name the run's
 * steps are measured under; none when absent).
 */
export function trainingPanel(view) {
  const { $, t, call, jobs, state, listeners } = view;

  function setRunning(running) {
    state.training = running;
    $('train').disabled = running;
    $('step').disabled = running;
    $('pause').disabled = !running;
    $('open-model').disabled = running;
    showSavable();
    view.lockControls(running);
  }
  /** The worker's session is now a run of `trained` steps, described by `info`. */
  async function adopt(info, trained) {
    state.model = { kind: 'trained', info };
    state.history = [];
    state.trained = trained;
    await meter(true);
  }

  // The cost meter (when the family counts its operations): the run's steps times one step's
  // operations, and the seconds this page spent training it (a run in progress included).
  const cost = { stepFlops: null, seconds: 0, runStarted: null };
  /** Reads the session's operations per step; `fresh` restarts the clock. */
  async function meter(fresh) {
    cost.stepFlops = await call('stepFlops');
    if (fresh) cost.seconds = 0;
    drawCost();
  }
  function drawCost() {
    const shown = cost.stepFlops > 0 && state.model?.kind === 'trained';
    $('train-cost-box').hidden = !shown;
    if (!shown) return;
    const running = cost.runStarted === null ? 0 : (performance.now() - cost.runStarted) / 1000;
    const figures = {
      stepFlops: cost.stepFlops,
      steps: state.trained,
      seconds: cost.seconds + running,
      backend: document.body.dataset.backend,
      reference: view.costReference,
    };
    $('train-cost').textContent = trainingCost(t, view.lang?.(), figures);
    Object.assign($('train-cost').dataset, { flops: String(figures.stepFlops * figures.steps), seconds: String(figures.seconds) });
  }
  /** Only a run trained here can be saved (a shipped model is in the page already). */
  function showSavable() {
    $('save-model').disabled = state.training || state.model?.kind !== 'trained' || !(state.trained > 0);
  }

  // Runs clicked but not yet finished, and whether runs should not start (set while a Pause or
  // a Generate waits for them: a run clicked may still wait in the queue or fetch its data).
  let pending = 0;
  let cancelPending = false;

  /** Train until `until` steps; with `save` false the link keeps its own `trained`. */
  async function run(until, save = true) {
    $('train-message').textContent = '';
    try {
      if (cancelPending) return { reason: 'paused' };
      if (state.model?.kind !== 'trained') {
        $('train-status').textContent = t('train.loading');
        const info = await call('newTraining', { family: view.family, ...view.session() });
        await view.opened?.();
        await adopt(info, 0);
        view.modelChanged();
        view.measure('model');
      } else {
        // A view may have opened this session itself (the 2-D GAN does).
        await meter(state.trained === 0);
      }
      if (cancelPending) return { reason: 'paused' };
      setRunning(true);
      // Until the first chunk reports (one step of a large run can take many seconds).
      $('train-status').textContent = t('train.starting');
      const chunk = view.chunk[document.body.dataset.backend] ?? view.chunk.cpu;
      cost.runStarted = performance.now();
      const result = await call('train', { until, chunk, valEvery: view.valEvery?.() ?? 0, glimpse: view.glimpse() }).finally(() => {
        cost.seconds += (performance.now() - cost.runStarted) / 1000;
        cost.runStarted = null;
      });
      state.trained = result.step;
      drawCost();
      if (result.reason === 'diverged') $('train-message').textContent = t('train.diverged');
      if (save) await jobs.save({ trained: state.trained });
      view.modelChanged();
      view.measure('model');
      return result;
    } catch (err) {
      // A run that failed while its session opened leaves no "loading" status behind.
      if (state.model?.kind !== 'trained' || $('train-status').textContent === t('train.loading')) $('train-status').textContent = '';
      $('train-message').textContent = view.errorText?.(err) ?? t('error.generic', { error: err.message });
      return { reason: 'error' };
    } finally {
      setRunning(false);
      bumpCounter('trainRuns');
    }
  }

  /** Stop the run in progress, or the one clicked that has not started: resolves once none runs. */
  async function pause() {
    cancelPending = true;
    if (state.training) {
      // The step in progress ends first (one step of a large run can take seconds): say so.
      $('pause').disabled = true;
      $('train-status').textContent = t('train.pausing');
      await call('stop');
    }
    while (state.training || pending > 0) await sleep(20);
    cancelPending = false;
  }

  /** A training setting changed or Reset was clicked: back to the pretrained model. */
  function discard() {
    if (state.training) call('stop');
    view.stopOther?.();
    return jobs.exclusive(async () => {
      await jobs.save({ trained: 0 });
      state.trained = 0;
      state.history = [];
      view.measure('model');
      if (view.stepName) view.measure(view.stepName, 0);
      $('train-cost-box').hidden = true;
      view.drawLoss();
      $('progress-bar').style.width = '0';
      $('train-status').textContent = '';
      $('train-message').textContent = '';
      await view.forget();
      showSavable();
    });
  }

  /** One progress event from the worker: {step, losses (null: diverged), val?, rate, stepRate?}. */
  function progress(e) {
    state.trained = e.step;
    state.rate = e.rate;
    if (e.stepRate) $('train-status').dataset.stepRate = String(e.stepRate);
    if (e.losses) state.history.push({ step: e.step, ...e.losses, ...e.val });
    const total = Number(jobs.values.steps);
    $('progress-bar').style.width = `${Math.min(100, (100 * e.step) / total)}%`;
    const rate = e.rate ? fixed(e.rate, e.rate < 10 ? 2 : 1) : '–';
    $('train-status').textContent = t('train.progress', { step: e.step, total, rate }) + (e.losses ? ` · ${view.lossText(e.losses)}` : '');
    if (view.stepName) view.measure(view.stepName, e.step);
    view.drawLoss();
    drawCost();
  }
  listeners.add((e) => {
    if (e.event === 'train') progress(e);
    else if (e.event === 'glimpse') view.showGlimpse(e);
  });

  const runFromClick = (until) => {
    view.stopOther?.();
    pending += 1;
    return jobs.exclusive(() => run(until()).finally(() => (pending -= 1)));
  };
  $('train').onclick = () => runFromClick(() => Math.max(Number(jobs.values.steps), state.trained + 1));
  $('step').onclick = () => runFromClick(() => state.trained + 1);
  $('pause').onclick = pause;
  $('reset').onclick = discard;

  /** Ask whether to train `steps` more steps, about `seconds` long; resolves true or false. */
  function confirmReplay(steps, seconds) {
    const time = seconds < 90 ? t('time.seconds', { n: Math.round(seconds) }) : t('time.minutes', { n: Math.round(seconds / 60) });
    $('replay-question').textContent = t('train.replay.ask', { n: steps, time });
    $('replay-go').textContent = t('train.replay.go', { n: steps });
    $('replay-confirm').hidden = false;
    return new Promise((resolve) => {
      const answer = (yes) => () => {
        $('replay-confirm').hidden = true;
        resolve(yes);
      };
      $('replay-go').onclick = answer(true);
      $('replay-skip').onclick = answer(false);
    });
  }

  /** The first view: replay the trained steps a link names (asking first when that would take
   * long on this machine), or load the pretrained model. */
  async function start(loadPretrained) {
    view.drawLoss();
    const replay = Number(jobs.values.trained);
    if (replay <= 0) return jobs.exclusive(loadPretrained);
    const replaying = () => {
      $('train-status').textContent = t('train.replaying', { n: replay, seed: jobs.values.tseed });
    };
    replaying();
    const probe = Math.min(replay, PROBE_STEPS);
    // A probe that has already taken long stops as soon as the rest would take long too (a large
    // run's steps can take many seconds each), so the question comes early. Not sooner: the first
    // step carries the warm-up (compiling, first allocations), and its speed alone would ask
    // about runs that take seconds.
    let slow = false;
    const watchSpeed = (e) => {
      const elapsed = e.step / e.rate;
      if (e.event === 'train' && !slow && e.rate > 0 && elapsed > PROBE_LONG_S && (replay - e.step) / e.rate > ASK_ABOVE_S) {
        slow = true;
        call('stop');
      }
    };
    listeners.add(watchSpeed);
    const first = await jobs.exclusive(() => run(probe, probe === replay)).finally(() => listeners.delete(watchSpeed));
    if (!slow && (probe === replay || first.reason !== 'done')) return;
    if (first.reason === 'error' || first.reason === 'diverged') return;
    const seconds = (replay - state.trained) / Math.max(state.rate || 0, 1e-3);
    if (seconds > ASK_ABOVE_S && !(await confirmReplay(replay, seconds))) return discard();
    replaying();
    await jobs.exclusive(() => run(replay));
  }

  // ---- saving and opening a model file -------------------------------------------------
  async function saveModel() {
    const weights = await call('saveModel');
    // The view's own state: inside a lesson it is the experiment's, not the page's link.
    const pairs = Object.entries(jobs.values).map(([key, value]) => [key, String(value)]);
    const { hash } = await call('encodeSpec', { pairs });
    const header = JSON.stringify({ family: view.family, hash, steps: state.trained });
    const blob = new Blob([FILE_MAGIC, header, '\n', weights], { type: 'application/octet-stream' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `iagen-${view.family}-${state.trained}.iagen`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    $('file-status').textContent = t('file.saved', { name: link.download });
  }
  const fileError = (err) => {
    $('file-status').textContent = t('error.generic', { error: err.message });
  };
  $('save-model').onclick = () => jobs.exclusive(saveModel).catch(fileError);

  /** Open a saved model: its link's settings, then a run of them that goes on from its weights.
   * Whatever is wrong with the file is said, and the current model stays. */
  async function openModel(file) {
    const say = (key, vars) => {
      $('file-status').textContent = t(key, { name: file.name, ...vars });
    };
    if (file.size > MAX_FILE_BYTES) return say('file.big', { mb: (file.size / 2 ** 20).toFixed(0), max: MAX_FILE_BYTES / 2 ** 20 });
    const parsed = parseModelFile(new Uint8Array(await file.arrayBuffer()));
    if (!parsed) return say('file.bad');
    if (parsed.family !== view.family) return say('file.family', { family: t(`family.${parsed.family}`) });
    await pause();
    await jobs.exclusive(async () => {
      const before = jobs.values;
      const { values } = await call('parseSpec', { hash: parsed.hash });
      const changes = Object.fromEntries(values.filter(([key]) => key !== 'lang' && key !== 'view'));
      await jobs.save({ ...changes, trained: parsed.steps });
      try {
        const info = await call('openModel', { family: view.family, ...view.session(), weights: parsed.weights, steps: parsed.steps });
        await view.opened?.({ restored: true });
        await adopt(info, parsed.steps);
      } catch (err) {
        // The settings go back with the model that stays.
        await jobs.save(before);
        return say('file.weights', { error: err.message });
      }
      $('progress-bar').style.width = '0';
      $('train-status').textContent = '';
      view.drawLoss();
      view.modelChanged();
      view.measure('model');
      if (view.stepName) view.measure(view.stepName, parsed.steps);
      showSavable();
      say('file.opened', { steps: parsed.steps });
    });
  }
  $('open-model').onclick = () => $('model-file').click();
  $('model-file').addEventListener('change', () => {
    const file = $('model-file').files[0];
    $('model-file').value = '';
    if (file) openModel(file).catch(fileError);
  });

  return { discard, pause, start, drawCost };
}
