// The comparison's results: the table of every family's measured figures (and the held-out
// real digits' beside them), each family's digit shares as ten small bars, and the chart of
// quality against time per image (log scale) that shows the trilemma in one look.
import { fixed } from './common.js';
import { scientific } from './cost_meter.js';

const COLOURS = { pixelgpt: '#8e44ad', diffusion: '#3d5afe', vae: '#00897b', ganimg: '#e07a00' };
const COLUMNS = ['family', 'params', 'ms', 'flops', 'asked', 'top', 'shares', 'entropy', 'frechet', 'nearest'];

/** Ten bars, one per digit: each its share of the class-free samples (a tenth is the dashed line). */
function sharesCanvas(shares) {
  const canvas = document.createElement('canvas');
  canvas.width = 110;
  canvas.height = 28;
  const ctx = canvas.getContext('2d');
  const top = Math.max(0.2, ...shares);
  shares.forEach((share, digit) => {
    const h = (share / top) * 22;
    ctx.fillStyle = '#3d5afe';
    ctx.fillRect(digit * 11 + 1, 24 - h, 9, h);
  });
  ctx.strokeStyle = '#888';
  ctx.setLineDash([2, 2]);
  ctx.beginPath();
  ctx.moveTo(0, 24 - (0.1 / top) * 22);
  ctx.lineTo(110, 24 - (0.1 / top) * 22);
  ctx.stroke();
  canvas.dataset.shares = shares.map((s) => s.toFixed(3)).join(',');
  return canvas;
}

/** The table: a row per family measured so far, then the real digits' reference row. */
export function drawResultsTable(table, { rows, real, t, lang }) {
  const head = document.createElement('tr');
  for (const key of COLUMNS) {
    const th = document.createElement('th');
    th.textContent = t(`cmp.col.${key}`);
    head.append(th);
  }
  const percent = (x) => `${fixed(x * 100, 1)} %`;
  const cells = (row) => ({
    family: row.name,
    params: row.params === undefined ? '—' : row.params.toLocaleString(lang),
    ms: row.ms === undefined ? '—' : fixed(row.ms, 2),
    flops: row.flops === undefined ? '—' : scientific(row.flops, lang),
    asked: row.asked === undefined ? '—' : percent(row.asked),
    top: percent(row.top),
    shares: sharesCanvas(row.shares),
    entropy: fixed(row.entropy, 2),
    frechet: fixed(row.frechet, 1),
    nearest: fixed(row.nearest, 2),
  });
  const body = rows.map((row) => ({ id: row.id, values: cells(row) }));
  if (real && rows.length) body.push({ id: 'real', values: cells({ name: t('cmp.family.real'), ...real }) });
  const trs = body.map(({ id, values }) => {
    const tr = document.createElement('tr');
    tr.dataset.family = id;
    for (const key of COLUMNS) {
      const td = document.createElement('td');
      td.dataset.col = key;
      td.append(values[key]);
      tr.append(td);
    }
    return tr;
  });
  if (!trs.length) {
    const tr = document.createElement('tr');
    const td = document.createElement('td');
    td.colSpan = COLUMNS.length;
    td.className = 'help';
    td.textContent = t('cmp.table.empty');
    tr.append(td);
    trs.push(tr);
  }
  table.replaceChildren(head, ...trs);
}

/** Quality (the judge's mean top-class probability) against milliseconds per image, log scale. */
export function drawResultsChart(canvas, { rows, t, lang }) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  const pad = { left: 56, right: 16, top: 16, bottom: 44 };
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  const times = rows.map((r) => r.ms).filter((ms) => ms > 0);
  // Whole decades around the times measured (at least 0.01 to 100 ms).
  const lo = Math.min(-2, Math.floor(Math.log10(Math.min(...times, 1))));
  const hi = Math.max(2, Math.ceil(Math.log10(Math.max(...times, 1))));
  const x = (ms) => pad.left + ((Math.log10(ms) - lo) / (hi - lo)) * (width - pad.left - pad.right);
  // From the lowest confidence measured, rounded down to a tenth (at most 50 %), to 100 %.
  const floor = Math.min(0.5, Math.floor(Math.min(...rows.map((r) => r.top), 1) * 10) / 10);
  const y = (q) => height - pad.bottom - ((q - floor) / (1 - floor)) * (height - pad.top - pad.bottom);
  ctx.strokeStyle = '#ccd';
  ctx.fillStyle = '#555';
  ctx.font = '11px sans-serif';
  ctx.textAlign = 'center';
  for (let e = lo; e <= hi; e++) {
    ctx.beginPath();
    ctx.moveTo(x(10 ** e), y(floor));
    ctx.lineTo(x(10 ** e), y(1));
    ctx.stroke();
    ctx.fillText((10 ** e).toLocaleString(lang, { maximumFractionDigits: 2 }), x(10 ** e), y(floor) + 14);
  }
  ctx.textAlign = 'right';
  for (let tenth = Math.round(floor * 10); tenth <= 10; tenth++) {
    const q = tenth / 10;
    ctx.beginPath();
    ctx.moveTo(pad.left, y(q));
    ctx.lineTo(width - pad.right, y(q));
    ctx.stroke();
    ctx.fillText(`${tenth * 10} %`, pad.left - 6, y(q) + 4);
  }
  ctx.textAlign = 'center';
  ctx.fillText(t('cmp.chart.x'), (pad.left + width - pad.right) / 2, height - 8);
  ctx.save();
  ctx.translate(14, (pad.top + height - pad.bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(t('cmp.chart.y'), 0, 0);
  ctx.restore();
  ctx.font = 'bold 12px sans-serif';
  ctx.textAlign = 'left';
  // Each name above its dot, or below it where it would cover a name already written.
  const written = [];
  const overlaps = (box) => written.some((b) => box.x < b.x + b.w && b.x < box.x + box.w && box.y < b.y + b.h && b.y < box.y + box.h);
  for (const row of rows) {
    if (!(row.ms > 0)) continue;
    const [px, py] = [x(row.ms), y(row.top)];
    ctx.fillStyle = COLOURS[row.id] || '#333';
    ctx.beginPath();
    ctx.arc(px, py, 6, 0, 2 * Math.PI);
    ctx.fill();
    const w = ctx.measureText(row.name).width;
    const left = Math.min(px - w / 2, width - pad.right - w);
    let box = { x: left, y: py - 22, w, h: 14 };
    if (overlaps(box)) box = { ...box, y: py + 9 };
    written.push(box);
    ctx.fillText(row.name, box.x, box.y + 11);
  }
  canvas.dataset.points = JSON.stringify(rows.map((r) => [r.id, r.ms, r.top]));
}
