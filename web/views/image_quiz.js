// ¿Real o generada?: ten images, half held-out real ones and half made by the view's model at
// its current settings, in an order drawn from the link's `qseed` (the family's `quiz` verb,
// crates/iagen-web/src/image_reference.rs). The student marks each one; checking scores them
// and sets beside their answers the judge's (an image it is very sure of counts as "real") and,
// in the GAN view, the discriminator's (D(x) ≥ 0.5 is "real").
import { checksum, drawImages, imagesReady, randomSeed, fixed, bumpCounter } from './common.js';

export const IMAGE_QUIZ = `
  <section class="card" id="quiz">
    <h2 data-i18n="quiz.title"></h2>
    <p class="intro" data-i18n="quiz.intro"></p>
    <div class="controls">
      <button id="quiz-new" data-i18n="quiz.start" disabled></button>
      <button id="quiz-check" class="secondary" data-i18n="quiz.check" disabled></button>
    </div>
    <p class="status" id="quiz-status"></p>
    <div class="quiz-grid" id="quiz-grid"></div>
    <p class="help" data-i18n="quiz.help"></p>
  </section>`;

const GENERATED = 5; // and as many real images
// The judge "believes" an image is real when it is at least this sure which class it shows.
const JUDGE_SURE = 0.9;

/**
 * Wires the panel: `generate(n, seed)` resolves to `n` images (n×784 values) made by the view's
 * model at its settings, or to `{refused}` saying why its settings cannot make them; `discriminate(pixels, classes)`, where the family has one, to D's
 * probability "real" for each; `imagesFile()` names the data set's file; `classNames()` the
 * classes in the page's language.
 */
export function imageQuiz({ $, call, t, jobs, exclusive, showError, measure, generate, discriminate, imagesFile, classNames }) {
  let quiz = null; // {pixels, real, classes, confidence, d, answers, checked}
  let started = false;

  async function build() {
    const seed = Number(jobs.values.qseed);
    quiz = null;
    draw(t('quiz.making'));
    const made = await generate(GENERATED, seed);
    if (made.refused) return draw(made.refused); // the view's settings cannot make images: why
    await imagesReady(call, imagesFile());
    const drawn = await call('verb', { name: 'quiz', args: { pixels: Array.from(made), n: GENERATED, seed } });
    const n = drawn.real.length;
    const pixels = Array.from(drawn.pixels);
    const judged = await call('verb', { name: 'judge_confidence', args: { pixels, n } });
    const d = discriminate ? await discriminate(pixels, Array.from(judged.classes)) : null;
    quiz = {
      pixels: drawn.pixels,
      real: Array.from(drawn.real, Boolean),
      classes: Array.from(judged.classes),
      confidence: Array.from(judged.confidence),
      d: d && Array.from(d),
      answers: Array(n).fill(null),
      checked: false,
    };
    draw();
    bumpCounter('quizBuilt');
  }

  const percent = (p) => `${Math.round(100 * p)} %`;

  function draw(message) {
    $('quiz-check').disabled = !quiz || quiz.checked || quiz.answers.includes(null);
    if (!quiz) {
      $('quiz-status').textContent = message || '';
      $('quiz-grid').replaceChildren();
      return;
    }
    const judgeSays = quiz.confidence.map((c) => c >= JUDGE_SURE);
    const dSays = quiz.d?.map((p) => p >= 0.5);
    const score = (says) => says.filter((s, i) => s === quiz.real[i]).length;
    const n = quiz.real.length;
    if (quiz.checked) {
      const scores = { you: score(quiz.answers), judge: score(judgeSays), n };
      $('quiz-status').textContent = t('quiz.score', scores) + (dSays ? ` ${t('quiz.score.d', { d: score(dSays), n })}` : '');
      $('quiz-status').dataset.scores = JSON.stringify({ ...scores, d: dSays ? score(dSays) : null });
    } else {
      $('quiz-status').textContent = t('quiz.pick', { n });
      delete $('quiz-status').dataset.scores;
    }
    const cells = quiz.real.map((real, i) => {
      const cell = document.createElement('figure');
      cell.className = 'quiz-cell';
      const canvas = document.createElement('canvas');
      drawImages(canvas, quiz.pixels.subarray(i * 784, (i + 1) * 784), 1, 1, 3);
      const buttons = document.createElement('div');
      for (const [value, key] of [
        [true, 'quiz.real'],
        [false, 'quiz.generated'],
      ]) {
        const button = document.createElement('button');
        button.className = quiz.answers[i] === value ? '' : 'secondary';
        button.textContent = t(key);
        button.setAttribute('aria-pressed', String(quiz.answers[i] === value));
        button.dataset.answer = value ? 'real' : 'generated';
        button.disabled = quiz.checked;
        button.onclick = () => {
          quiz.answers[i] = value;
          draw();
        };
        buttons.append(button);
      }
      cell.append(canvas, buttons);
      if (quiz.checked) {
        const verdict = document.createElement('figcaption');
        const right = quiz.answers[i] === real;
        verdict.className = right ? 'right' : 'wrong';
        const lines = [
          `${right ? '✓' : '✗'} ${t(real ? 'quiz.was.real' : 'quiz.was.generated')}`,
          t('quiz.judge', {
            name: classNames()?.[quiz.classes[i]] ?? quiz.classes[i],
            p: percent(quiz.confidence[i]),
            says: t(judgeSays[i] ? 'quiz.real' : 'quiz.generated'),
          }),
        ];
        if (dSays)
          lines.push(
            t('quiz.d', {
              p: fixed(quiz.d[i], 2),
              says: t(dSays[i] ? 'quiz.real' : 'quiz.generated'),
            }),
          );
        for (const line of lines) {
          const p = document.createElement('span');
          p.textContent = line;
          verdict.append(p);
        }
        cell.append(verdict);
      }
      cell.dataset.real = quiz.checked ? String(real) : '';
      return cell;
    });
    $('quiz-grid').replaceChildren(...cells);
    $('quiz-grid').dataset.checksum = checksum(quiz.pixels);
  }

  $('quiz-new').onclick = () =>
    exclusive(async () => {
      // The first test is the link's; each further one draws a new seed.
      if (started) await jobs.save({ qseed: randomSeed() });
      started = true;
      $('quiz-new').textContent = t('quiz.new');
      await build();
    }).catch(showError);
  $('quiz-check').onclick = () => {
    if (!quiz || quiz.answers.includes(null)) return;
    quiz.checked = true;
    draw();
    measure('quiz_checked');
  };

  return {
    /** The model changed: a quiz made by the old one is stale. */
    modelChanged(hasModel) {
      quiz = null;
      $('quiz-new').disabled = !hasModel;
      draw();
    },
    translate() {
      $('quiz-new').textContent = t(started ? 'quiz.new' : 'quiz.start');
      draw();
    },
  };
}
