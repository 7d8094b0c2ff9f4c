// Sesgo: how often the words a student types occur in the training text and in a long sample
// of the model's writing, per 10 000 characters: a model mirrors its data's frequencies (the
// family's `word_rates` verb, crates/iagen-web/src/text_copies.rs). The words are the link's
// `bwords`; the sample uses the view's temperature and seed.
import { bumpCounter } from './common.js';
import { corpusReady } from './copy_finder.js';

export const WORD_BIAS = `
  <section class="card" id="bias">
    <h2 data-i18n="bias.title"></h2>
    <p class="intro" data-i18n="bias.intro"></p>
    <div class="controls">
      <label class="grow"><span data-i18n="bias.words"></span><input id="bwords" type="text" maxlength="200"></label>
      <button id="compare-words" data-i18n="bias.compare" disabled></button>
    </div>
    <p class="status" id="bias-status"></p>
    <div class="word-rates" id="word-rates"></div>
    <p class="help" data-i18n="bias.help"></p>
  </section>`;

// Long enough that a word used once in a few hundred characters shows up several times;
// written in pieces (each from its own seed) so the page can say how far it is.
const SAMPLE_CHARS = 10000;
const PIECE_CHARS = 2000;

/** Wires the panel; `corpusFile()` names the training text for shipped weights. */
export function wordBias({ $, call, t, jobs, exclusive, showError, measure, corpusFile }) {
  let shown = null; // {words, training, generated}

  async function compare() {
    const words = jobs.values.bwords
      .split(',')
      .map((w) => w.trim())
      .filter(Boolean);
    if (!words.length) {
      shown = null;
      draw(t('bias.none'));
      return;
    }
    await corpusReady(call, corpusFile);
    let text = '';
    for (let piece = 0; piece * PIECE_CHARS < SAMPLE_CHARS; piece++) {
      draw(t('bias.writing', { done: (piece * PIECE_CHARS).toLocaleString(), n: SAMPLE_CHARS.toLocaleString() }));
      const seed = (Number(jobs.values.seed) + piece) >>> 0;
      text += await call('verb', { name: 'sample', args: { prompt: '', len: PIECE_CHARS, seed, temp: Number(jobs.values.temp) } });
    }
    shown = { words, ...(await call('verb', { name: 'word_rates', args: { words, text } })) };
    draw();
    measure('compared');
    bumpCounter('biasCompared');
  }

  function bar(value, top, kind) {
    const track = document.createElement('div');
    track.className = 'rate';
    const fill = document.createElement('div');
    fill.className = `bar ${kind}`;
    fill.style.width = `${top > 0 ? (100 * value) / top : 0}%`;
    const number = document.createElement('span');
    number.textContent = value.toLocaleString(undefined, { maximumFractionDigits: 1 });
    track.append(fill, number);
    return track;
  }

  function draw(message) {
    const result = () => t('bias.result', { n: SAMPLE_CHARS.toLocaleString(), per: (10000).toLocaleString() });
    $('bias-status').textContent = shown ? result() : message || '';
    if (!shown) {
      $('word-rates').replaceChildren();
      return;
    }
    const top = Math.max(...shown.training, ...shown.generated);
    const head = ['bias.word', 'bias.training', 'bias.generated'].map((key) => {
      const cell = document.createElement('strong');
      cell.textContent = t(key);
      return cell;
    });
    const rows = shown.words.flatMap((word, i) => {
      const label = document.createElement('span');
      label.textContent = word;
      return [label, bar(shown.training[i], top, 'training'), bar(shown.generated[i], top, 'generated')];
    });
    $('word-rates').replaceChildren(...head, ...rows);
    $('word-rates').dataset.rates = JSON.stringify({ training: shown.training, generated: shown.generated });
  }

  $('compare-words').onclick = () => exclusive(compare).catch(showError);
  return {
    modelChanged(hasModel) {
      shown = null;
      $('compare-words').disabled = !hasModel;
      draw();
    },
    translate: () => draw(),
  };
}
