// The training images a run of an image family uses (link keys `limit`, `skew`, `skewpct`;
// iagen_core::image_mix): all of them, only the first few (a model that copies them), or one
// class made a set share of them, or removed (Sesgo). The controls sit in the training panel;
// the share charts mark each class's share of the training images beside what the model makes.

export const MIX_KEYS = ['limit', 'skew', 'skewpct'];

export const MIX_CONTROLS = `
      <label><span data-i18n="mix.limit"></span><input id="limit" type="number" min="0" max="20000" step="100"></label>
      <label><span data-i18n="mix.skew"></span><select id="skew"><option value="-1" data-i18n="mix.skew.none"></option>${Array.from(
        { length: 10 },
        (_, c) => `<option value="${c}">${c}</option>`,
      ).join('')}</select></label>
      <label><span data-i18n="mix.skewpct"></span><input id="skewpct" type="number" min="0" max="100" step="5"></label>`;

/** The `mix` a view's training options carry. */
export const mixOptions = (values) => ({ limit: Number(values.limit), skew: Number(values.skew), skewpct: Number(values.skewpct) });

/** Names the skew menu's classes (digits are their numerals, clothes their names). */
export function nameSkewClasses($, names) {
  for (const option of $('skew').options) if (option.value !== '-1') option.textContent = names[Number(option.value)] ?? option.value;
}

/** The session's training images' class shares (a run's own mix; the data set's for shipped weights). */
export const trainingShares = async (call) => Array.from(await call('verb', { name: 'training_shares' }));

/**
 * Marks each class's share of the training images on a bar chart of class shares: a dark tick
 * across class `c`'s bar at height `yOf(share)`, bars `bar` pixels wide from x = 0.
 */
export function drawTrainingMarks(canvas, training, { bar, yOf }) {
  canvas.dataset.training = training ? JSON.stringify(training.map((s) => Number(s.toFixed(3)))) : '';
  if (!training) return;
  const ctx = canvas.getContext('2d');
  ctx.strokeStyle = '#1d2330';
  ctx.lineWidth = 3;
  training.forEach((p, c) => {
    ctx.beginPath();
    ctx.moveTo(c * bar + 1, yOf(p));
    ctx.lineTo((c + 1) * bar - 1, yOf(p));
    ctx.stroke();
  });
  ctx.lineWidth = 1;
}
