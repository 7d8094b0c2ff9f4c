// ¿Copia o inventa? for images: each generated image beside its three nearest training images
// (Euclidean distance between pixels from 0 to 1; the family's `nearest` verb,
// crates/iagen-web/src/image_reference.rs), and the distances from generated images to their
// nearest training image against the same for held-out real images, which the model never saw:
// a model that copies sits left of the held-out images. The link's `copies=1` runs the check
// after every generation.
import { drawHistogramPair, drawImages, histogram, imagesReady, bumpCounter } from './common.js';

export const IMAGE_COPIES = `
  <section class="card" id="image-copies">
    <h2 data-i18n="copies.title"></h2>
    <p class="intro" data-i18n="icopies.intro"></p>
    <div class="controls">
      <button id="find-neighbours" data-i18n="icopies.find" disabled></button>
    </div>
    <p class="status" id="neighbours-status"></p>
    <div class="neighbours" id="neighbours"></div>
    <h3 data-i18n="icopies.chart"></h3>
    <canvas id="distance-chart" width="520" height="190"></canvas>
    <p class="status" id="distance-status"></p>
    <p class="help" data-i18n="icopies.help"></p>
  </section>`;

const SHOWN = 6; // generated images shown with their neighbours
const NEIGHBOURS = 3;
const BINS = 14;
const GENERATED = '#8e44ad';
const HELD = '#1b7f4c';

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/**
 * Wires the panel: `shown()` is the generated images the view shows now ({pixels, n}, or null
 * before any): the first few get their neighbours, all of them are measured for the chart.
 * `imagesFile()` names the data set's file for shipped weights, `exclusive` is the view's job
 * queue.
 */
export function imageCopies({ $, call, t, lang, jobs, exclusive, showError, shown, imagesFile }) {
  let result = null; // {n, neighbours: {index, distance, labels, pixels}, generated, distances, ms}

  async function check() {
    const current = shown();
    if (!current) {
      result = null;
      draw(t('icopies.none'));
      return;
    }
    await imagesReady(call, imagesFile(), () => draw(t('icopies.loading')));
    draw(t('icopies.searching'));
    const started = performance.now();
    const n = Math.min(SHOWN, current.n);
    const pixels = Array.from(current.pixels.subarray(0, n * 784));
    const neighbours = await call('verb', { name: 'nearest', args: { pixels, n, k: NEIGHBOURS } });
    const distances = await call('verb', { name: 'copy_distances', args: { pixels: Array.from(current.pixels), n: current.n } });
    result = { n, generated: pixels, neighbours, distances, ms: performance.now() - started };
    draw();
    bumpCounter('imageCopies');
  }

  const number = (x) => x.toLocaleString(lang(), { maximumFractionDigits: 1, minimumFractionDigits: 1 });

  function draw(message) {
    const status = $('neighbours-status');
    if (!result) {
      status.textContent = message || '';
      $('neighbours').replaceChildren();
      $('distance-status').textContent = '';
      drawChart();
      return;
    }
    const { n, neighbours, distances } = result;
    status.textContent = message || t('icopies.result', { n, ms: Math.round(result.ms) });
    const rows = [];
    for (let i = 0; i < n; i++) {
      const row = document.createElement('div');
      row.className = 'neighbour-row';
      row.append(figure(result.generated.slice(i * 784, (i + 1) * 784), t('icopies.generated'), 'generated'));
      for (let j = 0; j < NEIGHBOURS; j++) {
        const k = i * NEIGHBOURS + j;
        const caption = t('icopies.distance', { d: number(neighbours.distance[k]), index: neighbours.index[k] });
        row.append(figure(neighbours.pixels.subarray(k * 784, (k + 1) * 784), caption, 'training'));
      }
      rows.push(row);
    }
    $('neighbours').replaceChildren(...rows);
    $('neighbours').dataset.nearest = JSON.stringify(Array.from({ length: n }, (_, i) => neighbours.distance[i * NEIGHBOURS]));
    const [g, h] = [median(distances.generated), median(distances.held)];
    $('distance-status').textContent = t('icopies.medians', {
      generated: number(g),
      held: number(h),
      n: distances.generated.length,
      m: distances.held.length,
    });
    Object.assign($('distance-status').dataset, { generated: String(g), held: String(h) });
    drawChart();
  }

  function figure(pixels, caption, kind) {
    const box = document.createElement('figure');
    box.className = kind;
    const canvas = document.createElement('canvas');
    drawImages(canvas, pixels, 1, 1, 2);
    const text = document.createElement('figcaption');
    text.textContent = caption;
    box.append(canvas, text);
    return box;
  }

  /** The two histograms of nearest-training distances, as shares of their images. */
  function drawChart() {
    const canvas = $('distance-chart');
    const ctx = canvas.getContext('2d');
    const { width, height } = canvas;
    ctx.clearRect(0, 0, width, height);
    if (!result) return;
    const { generated, held } = result.distances;
    const top = Math.max(...generated, ...held) * 1.05 || 1;
    const [hg, hh] = [histogram(generated, BINS, top), histogram(held, BINS, top)];
    const peak = Math.max(...hg, ...hh, 0.1);
    const base = height - 34;
    const bin = width / BINS;
    drawHistogramPair(
      ctx,
      [
        [hh, HELD],
        [hg, GENERATED],
      ],
      { width, base, height: base - 8, peak },
    );
    ctx.fillStyle = '#1d2330';
    ctx.font = '10px sans-serif';
    ctx.textAlign = 'center';
    for (let k = 0; k <= BINS; k += 2) ctx.fillText(number((k / BINS) * top), Math.min(width - 10, Math.max(10, k * bin)), base + 12);
    ctx.textAlign = 'left';
    let x = 4;
    for (const [label, colour] of [
      [t('icopies.legend.held'), HELD],
      [t('icopies.legend.generated'), GENERATED],
    ]) {
      ctx.fillStyle = colour;
      ctx.fillRect(x, height - 12, 10, 10);
      ctx.fillStyle = '#1d2330';
      ctx.fillText(label, x + 14, height - 3);
      x += 14 + ctx.measureText(label).width + 16;
    }
  }

  $('find-neighbours').onclick = () =>
    exclusive(async () => {
      await jobs.save({ copies: 1 });
      await check();
    }).catch(showError);

  return {
    /** After a generation: check it when the link asks for the check. */
    afterGeneration: () => (Number(jobs.values.copies) === 1 ? check() : undefined),
    /** The model changed: what was shown belongs to the old one. */
    modelChanged(hasModel) {
      result = null;
      $('find-neighbours').disabled = !hasModel;
      draw();
    },
    translate: () => draw(),
  };
}
