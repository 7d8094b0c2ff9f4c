// ¿Copia o inventa?: marks the runs of a generated text found verbatim in the model's training
// text (the family's verbs, crates/iagen-web/src/text_copies.rs), says how much of the text
// they cover, and shows where in the corpus a run comes from when it is clicked. The link's
// `copies=1` turns the check on after every generation; `copymin` is the shortest run counted.
import { fixed, bumpCounter } from './common.js';

export const COPY_FINDER = `
  <section class="card" id="copies">
    <h2 data-i18n="copies.title"></h2>
    <p class="intro" data-i18n="copies.intro"></p>
    <div class="controls">
      <label><span data-i18n="copies.min"></span><input id="copymin" type="number" min="4" max="200" step="1"></label>
      <button id="find-copies" data-i18n="copies.find" disabled></button>
    </div>
    <p class="status" id="copies-status"></p>
    <div class="output" id="copies-text"></div>
    <div class="passage" id="copies-passage" hidden></div>
    <p class="help" data-i18n="copies.help"></p>
  </section>`;

/** Gives the session its training text if it has none (shipped weights): `corpusFile()`. */
export async function corpusReady(call, corpusFile) {
  if (!(await call('verb', { name: 'has_corpus' }))) await call('verb', { name: 'set_corpus', file: corpusFile() });
}

/**
 * Wires the panel: `text()` is the generated text to check, `corpusFile()` the training text's
 * file when the session must be given it (shipped weights), `exclusive` the view's job queue.
 */
export function copyFinder({ $, call, t, jobs, save, exclusive, text, corpusFile, showError, measure }) {
  let prepared = null; // resolves to {chars, indexMs} once the session's corpus is indexed
  let shown = null; // {text, min, runs, share, longest, ms}
  let passage = null; // {run, before, copied, after, offset, total}

  async function prepare() {
    await corpusReady(call, corpusFile);
    const started = performance.now();
    const chars = await call('verb', { name: 'index_corpus' });
    return { chars, indexMs: performance.now() - started };
  }

  async function check() {
    const generated = text();
    const min = Number(jobs.values.copymin);
    passage = null;
    if (!generated) {
      shown = null;
      draw(t('copies.empty'));
      return;
    }
    if (!prepared) {
      draw(t('copies.indexing'));
      prepared = prepare();
    }
    const corpus = await prepared.catch((err) => {
      prepared = null;
      throw err;
    });
    const started = performance.now();
    const found = await call('verb', { name: 'copies', args: { text: generated, min } });
    shown = { text: generated, min, ...found, ms: performance.now() - started, ...corpus };
    draw();
    bumpCounter('copiesChecked');
  }

  // Each character belongs to the last run that covers it (runs are ordered by start, and a
  // later overlapping run reaches further), so the marks are contiguous and each names a run.
  function segments({ text: generated, runs }) {
    const chars = [...generated];
    const owner = new Array(chars.length).fill(-1);
    for (const [r, [start, len]] of runs.entries()) owner.fill(r, start, start + len);
    const parts = [];
    chars.forEach((ch, i) => {
      const last = parts[parts.length - 1];
      if (last && last.run === owner[i]) last.text += ch;
      else parts.push({ run: owner[i], text: ch });
    });
    return parts;
  }

  function draw(message) {
    const status = $('copies-status');
    const out = $('copies-text');
    $('copies-passage').hidden = !passage;
    out.hidden = !shown;
    measure('copied', shown ? Math.round(shown.share * 100) : null);
    if (!shown) {
      status.textContent = message || '';
      out.replaceChildren();
      return;
    }
    status.textContent = t('copies.result', {
      share: Math.round(shown.share * 100),
      min: shown.min,
      longest: shown.longest,
      runs: shown.runs.length,
      heldShare: Math.round(shown.held_out.share * 100),
      heldLongest: shown.held_out.longest,
      ms: Math.max(1, Math.round(shown.ms)),
      chars: shown.chars.toLocaleString(),
      indexS: fixed(shown.indexMs / 1000, 2),
    });
    Object.assign(status.dataset, {
      share: String(shown.share),
      longest: String(shown.longest),
      heldShare: String(shown.held_out.share),
      runs: String(shown.runs.length),
      ms: String(shown.ms),
      indexMs: String(shown.indexMs),
    });
    out.replaceChildren(
      ...segments(shown).map(({ run, text: part }) => {
        if (run < 0) return document.createTextNode(part);
        const mark = document.createElement('mark');
        mark.className = `copied${passage?.run === run ? ' selected' : ''}`;
        mark.dataset.run = String(run);
        mark.textContent = part;
        return mark;
      }),
    );
    if (passage) drawPassage();
  }

  function drawPassage() {
    const box = $('copies-passage');
    const where = document.createElement('p');
    where.className = 'help';
    where.textContent = t('copies.where', { offset: passage.offset.toLocaleString(), total: passage.total.toLocaleString() });
    const quote = document.createElement('div');
    quote.className = 'output';
    const copied = document.createElement('mark');
    copied.className = 'copied';
    copied.textContent = passage.copied;
    quote.append(`…${passage.before}`, copied, `${passage.after}…`);
    box.replaceChildren(where, quote);
  }

  $('copies-text').addEventListener('click', async (e) => {
    const run = e.target.dataset?.run;
    if (run === undefined || !shown) return;
    const [, len, at] = shown.runs[Number(run)];
    passage = { run: Number(run), ...(await call('verb', { name: 'passage', args: { at, len } })) };
    draw();
  });
  $('find-copies').onclick = () =>
    exclusive(async () => {
      await save({ copies: 1 });
      await check();
    }).catch(showError);
  // A new shortest length re-counts the text on show.
  jobs.watchers.push((values) => {
    if (shown && Number(values.copymin) !== shown.min) exclusive(check);
  });

  return {
    /** After a generation: check it when the link asks for the check. */
    afterGeneration: () => (Number(jobs.values.copies) === 1 ? check() : undefined),
    /** The model changed: its corpus is another, and what was shown is stale. */
    modelChanged(hasModel) {
      prepared = null;
      shown = null;
      passage = null;
      $('find-copies').disabled = !hasModel;
      draw();
    },
    translate: () => draw(),
  };
}
