// What a lesson's task conditions may measure (LESSONS.md, "The vocabulary"). Each name belongs
// to one view and has a range, so a condition that cannot hold is refused when the lesson loads.
// `spec`: the value is the link key's (the control); `count`: events counted since the lesson
// opened; otherwise the view reports the value (views call `measure(name, value)`).
// `resetOn`: link keys (or `model`, the view's model changing) after which the count is 0 again
// or the value is gone, so a task is ticked only by what was done with the settings it names.
const GPT_SAMPLING = ['prompt', 'temp', 'topk', 'topp', 'len', 'seed', 'data', 'size', 'model'];
// A training key's change discards the run (the view says so a moment later, in its job queue):
// the run's steps and losses are stale at once.
const GPT_TRAINING = ['data', 'size', 'lr', 'batch', 'ctx', 'lines', 'tseed', 'text'];
const VAE_TRAINING = ['idata', 'latent', 'beta', 'lr', 'batch', 'tseed', 'limit', 'skew', 'skewpct'];
const GAN_TRAINING = [
  'target',
  'glayers',
  'gwidth',
  'dlayers',
  'dwidth',
  'noise',
  'loss',
  'gopt',
  'dopt',
  'glr',
  'dlr',
  'diters',
  'batch',
  'tseed',
];
const DIFFUSION_GRID = ['class', 'guide', 'sampler', 'dsteps', 'count', 'seed', 'idata', 'model'];
const PIXEL_DIGIT = ['class', 'temp', 'seed', 'model'];
const COMPARISON = ['class', 'cmpn', 'dsteps', 'seed'];

export const VOCABULARY = {
  'gpt.temp': { spec: 'temp', min: 0, max: 2 },
  'gpt.lr': { spec: 'lr', min: 0.00001, max: 0.1 },
  'gpt.lines': { spec: 'lines', min: 0, max: 100000 },
  'gpt.generated': { count: true, resetOn: GPT_SAMPLING },
  'gpt.clicked': { count: true, resetOn: ['model'] },
  'gpt.head': { min: 1, max: 4 },
  'gpt.step': { min: 0, max: 100000, resetOn: GPT_TRAINING },
  'gpt.val_loss': { min: 0, max: Infinity, resetOn: GPT_TRAINING },
  'gpt.copied': { min: 0, max: 100, resetOn: ['model'] },
  'gpt.compared': { count: true },
  'gpt.tune_notes': { min: 0, max: Infinity },
  'gpt.molecules': { min: 0, max: Infinity, resetOn: ['model'] },
  'diffusion.guide': { spec: 'guide', min: 0, max: 10 },
  'diffusion.forward_t': { min: 0, max: 999 },
  'diffusion.steps_done': { min: 0, max: 1000 },
  'diffusion.step': { min: 0, max: 1000 },
  'diffusion.finished': { count: true, resetOn: DIFFUSION_GRID },
  'diffusion.match': { min: 0, max: 100, resetOn: DIFFUSION_GRID },
  'vae.beta': { spec: 'beta', min: 0, max: 50 },
  'vae.decoded': { count: true },
  'vae.mix': { min: 0, max: 1 },
  'vae.eps_draws': { count: true },
  'vae.step': { min: 0, max: 100000, resetOn: VAE_TRAINING },
  'vae.kl': { min: 0, max: Infinity },
  'vae.skew_share': { min: 0, max: 100, resetOn: ['model'] },
  'gan.glr': { spec: 'glr', min: 0.00001, max: 0.5 },
  'gan.rounds': { min: 0, max: 100000, resetOn: GAN_TRAINING },
  'gan.modes': { min: 0, max: 25, resetOn: ['target'] },
  'gan.slow_rounds': { count: true },
  'ganimg.grids': { count: true, resetOn: ['class', 'seed', 'idata'] },
  'ganimg.quiz_checked': { count: true },
  'pixelgpt.temp': { spec: 'temp', min: 0, max: 2 },
  'pixelgpt.pixels': { min: 0, max: 196, resetOn: PIXEL_DIGIT },
  'pixelgpt.finished': { count: true, resetOn: PIXEL_DIGIT },
  'pixelgpt.match': { min: 0, max: 100, resetOn: PIXEL_DIGIT },
  'compare.steps': { spec: 'dsteps', min: 1, max: 1000 },
  'compare.samples': { spec: 'cmpn', min: 10, max: 500 },
  'compare.done': { count: true, resetOn: COMPARISON },
  'compare.asked': { min: -1, max: 9, resetOn: COMPARISON },
};

const OPERATORS = {
  '>=': (a, b) => a >= b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '<': (a, b) => a < b,
  '==': (a, b) => a === b,
};

/** Whether `op number` can hold for some value in [min, max]. */
function canHold({ min = 0, max = Infinity }, op, number) {
  if (op === '>=') return number <= max;
  if (op === '>') return number < max;
  if (op === '<=') return number >= min;
  if (op === '<') return number > min;
  return number >= min && number <= max;
}

/**
 * Reads `name op number and …` for a lesson whose experiment is `view`. Returns the comparisons,
 * or throws `{ key, vars }` (an i18n key of `lesson.error.*` and its values) saying what is wrong.
 */
export function parseCondition(text, view) {
  return text.split(/\s+and\s+/).map((part) => {
    const match = /^\s*([a-z_]+\.[a-z_]+)\s*(>=|<=|==|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!match) throw { key: 'lesson.error.condition', vars: { text: part.trim() } };
    const [, name, op, literal] = match;
    const entry = VOCABULARY[name];
    if (!entry) throw { key: 'lesson.error.name', vars: { name } };
    if (!name.startsWith(`${view}.`)) throw { key: 'lesson.error.nameview', vars: { name, view } };
    const number = Number(literal);
    if (!canHold(entry, op, number)) throw { key: 'lesson.error.cannot', vars: { text: part.trim() } };
    return { name, op, number };
  });
}

/** Whether every comparison holds on `values` (a name with no value makes its comparison false). */
export function holds(comparisons, values) {
  return comparisons.every(({ name, op, number }) => {
    const value = values[name];
    return typeof value === 'number' && Number.isFinite(value) && OPERATORS[op](value, number);
  });
}

/**
 * The live values a lesson's conditions read: the experiment's link values, the counts and the
 * values its view reports. `changed(values)` is called after each change.
 */
export function measurements(view, changed) {
  const values = {};
  const names = Object.keys(VOCABULARY).filter((name) => name.startsWith(`${view}.`));
  for (const name of names) if (VOCABULARY[name].count) values[name] = 0;
  const reset = (cause) => {
    for (const name of names) {
      if (!VOCABULARY[name].resetOn?.includes(cause)) continue;
      if (VOCABULARY[name].count) values[name] = 0;
      else delete values[name];
    }
  };
  let spec = null;
  return {
    values,
    /** The experiment's link values after a change (the first call sets them without resets). */
    spec(next) {
      for (const name of names) {
        const key = VOCABULARY[name].spec;
        if (key) values[name] = Number(next[key]);
      }
      if (spec) for (const key of Object.keys(next)) if (String(next[key]) !== String(spec[key])) reset(key);
      spec = { ...next };
      changed(values);
    },
    /** What the view reports: a count (no value), a value, null (no value now) or `model`. */
    measure(short, value) {
      const name = `${view}.${short}`;
      if (short === 'model') reset('model');
      else if (!VOCABULARY[name]) return;
      else if (value === undefined) values[name] = (values[name] ?? 0) + 1;
      else if (value === null) delete values[name];
      else values[name] = Number(value);
      changed(values);
    },
  };
}
