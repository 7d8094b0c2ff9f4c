// The Lecciones view as a student and a teacher use it: the index, every lesson in both
// languages with its experiment at work, tasks the page ticks when the student does them, the
// progress kept in the link and in an embedded lesson, and a teacher's own lesson file, whether
// well written, malformed or hostile.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { generate, openPage, serveAndBrowse, shot, waitReady } from './harness.mjs';

const env = serveAndBrowse();
const LESSONS = JSON.parse(readFileSync('web/lessons/index.json', 'utf8'));
const lessonUrl = (n, extra = '', search = '?backend=cpu') => `${env.server.url}${search}#v=2&view=lessons&lesson=${n}${extra}`;
const waitLesson = (page) => page.waitForFunction(() => document.body.dataset.lessonReady === '1', null, { timeout: 120_000 });
const doneTasks = (page) => page.$$eval('#lesson-task-list li.done', (items) => items.map((li) => Number(li.dataset.task)));
const waitDone = (page, task) => page.waitForSelector(`#lesson-task-list li.done[data-task="${task}"]`, { timeout: 120_000 });

test('a newcomer is shown the lessons, and the index lists every lesson by section', async () => {
  const page = await openPage(env.browser, `${env.server.url}?backend=cpu`);
  assert.equal(await page.isVisible('#first-visit'), true);
  assert.match(await page.textContent('#first-visit'), /Empezar por las Lecciones/);
  const reloaded = page.waitForEvent('load');
  await page.click('#first-visit-link');
  await reloaded;
  await waitReady(page);
  await page.waitForSelector('#lessons-list a');
  assert.equal(await page.isHidden('#first-visit'), true);
  const sections = await page.$$eval('.lessons-section h3', (hs) => hs.map((h) => h.textContent));
  assert.equal(sections.length, 7);
  assert.match(sections[0], /Sección 1 · Fundamentos/);
  assert.equal(await page.$$eval('#lessons-list a', (as) => as.length), LESSONS.length);
  assert.equal(await page.$$eval('.lesson-error', (e) => e.length), 0);
  await shot(page, 'cpu-lessons-index');
  // In English, the index is English: its sections, its lessons' titles, its labels.
  await page.click('#lang-switch');
  await page.waitForFunction(() => /Section 1 · Fundamentals/.test(document.getElementById('lessons-list').textContent));
  assert.equal(await page.textContent('#lessons-index h2'), 'Lessons: the course step by step');
  const firstTitle = /^title: (.*)$/m.exec(readFileSync(`web/lessons/en/${LESSONS[0]}`, 'utf8'))[1];
  assert.equal(await page.textContent('#lessons-list a'), firstTitle);
  await page.click('#lang-switch');
  await page.waitForFunction(() => /Sección 1 · Fundamentos/.test(document.getElementById('lessons-list').textContent));
  // A lesson number past the end says so and shows the index.
  await page.goto('about:blank');
  await page.goto(lessonUrl(LESSONS.length + 5));
  await page.waitForSelector('#lessons-list a');
  assert.match(await page.textContent('#lessons-index'), new RegExp(`La lección ${LESSONS.length + 5} no existe: hay ${LESSONS.length}`));
  await page.context().close();
});

test('every lesson opens in Spanish and in English with its experiment at work', async () => {
  const page = await openPage(env.browser, lessonUrl(1));
  for (const lang of ['es', 'en']) {
    for (let n = 1; n <= LESSONS.length; n++) {
      await page.goto('about:blank');
      await page.goto(lessonUrl(n, `&lang=${lang}`));
      await waitLesson(page);
      const where = `${lang} lesson ${n}`;
      const source = readFileSync(`web/lessons/${lang}/${LESSONS[n - 1]}`, 'utf8');
      assert.equal(await page.textContent('#lesson-title'), /^title: (.*)$/m.exec(source)[1], where);
      assert.ok((await page.$$eval('#lesson-before p', (ps) => ps.length)) >= 1, where);
      assert.ok((await page.$$eval('#lesson-task-list li', (li) => li.length)) >= 2, where);
      assert.ok((await page.$$eval('#lesson-experiment .card', (cards) => cards.length)) >= 1, where);
      // The experiment's first drawing has had time to come; nothing failed on the way.
      await page.waitForTimeout(1500);
      assert.equal(await page.isHidden('#error'), true, `${where}: ${await page.textContent('#error')}`);
      assert.deepEqual(page.errors, [], where);
      if (lang === 'es') await shot(page, `cpu-lesson-${String(n).padStart(2, '0')}`);
    }
  }
  await page.context().close();
});

test('the page ticks a task when the student does it, and the link keeps the progress', async () => {
  // Lesson 1: the temperature. Nothing is ticked before the student acts.
  const page = await openPage(env.browser, lessonUrl(1));
  await waitLesson(page);
  assert.deepEqual(await doneTasks(page), []);
  await page.waitForFunction(() => !document.getElementById('generate').disabled, null, { timeout: 120_000 });
  await generate(page); // at temperature 0.8: no task asks for that
  assert.deepEqual(await doneTasks(page), []);
  await page.fill('#temp', '0.2');
  await page.dispatchEvent('#temp', 'change');
  await page.waitForTimeout(300);
  assert.deepEqual(await doneTasks(page), [], 'a text written at another temperature does not count');
  await generate(page);
  await waitDone(page, 1);
  await page.waitForURL(/done=1/);
  // A task with no condition is the student's to tick.
  assert.equal(await page.isDisabled('#lesson-task-list li[data-task="3"] .tick'), false);
  await page.click('#lesson-task-list li[data-task="3"] .tick');
  await waitDone(page, 3);
  await page.waitForURL(/done=5/);
  await shot(page, 'cpu-lesson-01-ticked');
  // The link shows the same progress to whoever opens it.
  const link = page.url();
  await page.context().close();
  const again = await openPage(env.browser, link);
  await waitLesson(again);
  assert.deepEqual(await doneTasks(again), [1, 3]);
  await again.context().close();

  // Lesson 16: the next character's probabilities, by clicking the generated text.
  const probs = await openPage(env.browser, lessonUrl(16));
  await waitLesson(probs);
  await probs.waitForFunction(() => !document.getElementById('generate').disabled, null, { timeout: 120_000 });
  await generate(probs);
  for (const i of [3, 10, 20]) {
    await probs.click(`#output span.ch[data-index="${i}"]`);
    await probs.waitForFunction((k) => document.querySelector(`#output span.ch[data-index="${k}"]`)?.classList.contains('selected'), i);
  }
  await waitDone(probs, 2);
  assert.deepEqual(await doneTasks(probs), [1, 2]);
  await probs.context().close();

  // Lesson 17: attention, the second head.
  const heads = await openPage(env.browser, lessonUrl(17));
  await waitLesson(heads);
  await heads.waitForFunction(() => document.getElementById('head').options.length >= 2, null, { timeout: 120_000 });
  assert.deepEqual(await doneTasks(heads), []);
  await heads.selectOption('#head', { value: '1' }); // the second head (labels count from 1)
  await waitDone(heads, 2);
  await heads.context().close();

  // Lesson 19: the pixel GPT. The digit the view writes on arrival is not the student's.
  const pixels = await openPage(env.browser, lessonUrl(19));
  await waitLesson(pixels);
  await pixels.waitForFunction(() => Number(document.body.dataset.written || 0) > 0, null, { timeout: 120_000 });
  assert.deepEqual(await doneTasks(pixels), []);
  const written = await pixels.evaluate(() => Number(document.body.dataset.written));
  await pixels.click('#generate');
  await pixels.waitForFunction((n) => Number(document.body.dataset.written) > n, written, { timeout: 120_000 });
  await waitDone(pixels, 1);
  await pixels.fill('#pos-slider', '120');
  await pixels.dispatchEvent('#pos-slider', 'input');
  await waitDone(pixels, 2);
  assert.deepEqual(await doneTasks(pixels), [1, 2], 'the temperature task waits for its digit');
  await pixels.context().close();

  // Lesson 20: the four families compared (ten samples each here, to be quick).
  const families = await openPage(env.browser, lessonUrl(20));
  await waitLesson(families);
  const compare = async (changes) => {
    for (const [id, value] of Object.entries(changes)) {
      await families.fill(`#${id}`, value);
      await families.dispatchEvent(`#${id}`, 'change');
    }
    await families.click('#compare');
    await families.waitForFunction(() => document.body.dataset.compared === 'done', null, { timeout: 300_000 });
    await families.evaluate(() => delete document.body.dataset.compared);
  };
  await compare({ cmpn: '10' });
  await waitDone(families, 1);
  await compare({ dsteps: '4' });
  await waitDone(families, 2);
  assert.deepEqual(await doneTasks(families), [1, 2], 'no digit asked for yet');
  await compare({ class: 'tres' });
  await waitDone(families, 3);
  await families.context().close();
});

test('the language switch turns the lesson, its tasks and its experiment to English, keeping the progress', async () => {
  const page = await openPage(env.browser, lessonUrl(1, '&done=4'));
  await waitLesson(page);
  await page.click('#lang-switch');
  const english = /^title: (.*)$/m.exec(readFileSync(`web/lessons/en/${LESSONS[0]}`, 'utf8'))[1];
  await page.waitForFunction((title) => document.getElementById('lesson-title').textContent === title, english);
  assert.match(await page.textContent('#lesson-task-list li[data-task="1"] .do'), /Temperature/);
  assert.equal(await page.textContent('#lesson-tasks h3'), 'Tasks');
  assert.equal(await page.textContent('#generate'), 'Generate');
  assert.match(await page.textContent('#lesson-nav'), new RegExp(`Lesson 1 of ${LESSONS.length}`));
  assert.deepEqual(await doneTasks(page), [3]);
  await page.waitForURL(/lang=en/);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('an embedded lesson shows its text, experiment and progress, and writes what the lesson link writes', async () => {
  const embedded = await openPage(env.browser, lessonUrl(16, '&done=1', '?embed=1&backend=cpu'));
  await waitLesson(embedded);
  assert.equal(await embedded.isHidden('header.chrome'), true);
  assert.deepEqual(await doneTasks(embedded), [1]);
  assert.match(await embedded.getAttribute('#lesson-whole', 'href'), /#v=2&view=lessons&lesson=16/);
  assert.equal(await embedded.getAttribute('#lesson-whole', 'target'), '_blank');
  await embedded.waitForFunction(() => !document.getElementById('generate').disabled, null, { timeout: 120_000 });
  const fromEmbed = await generate(embedded);
  await shot(embedded, 'cpu-lesson-16-embedded');
  await embedded.context().close();
  const whole = await openPage(env.browser, lessonUrl(16, '&done=1'));
  await waitLesson(whole);
  await whole.waitForFunction(() => !document.getElementById('generate').disabled, null, { timeout: 120_000 });
  assert.equal(await generate(whole), fromEmbed, "the lesson's seed and settings, in both");
  assert.equal(await whole.isVisible('#lesson-whole'), false);
  await whole.context().close();
});

const OWN = `---
title: Mi lección <b>propia</b>
section: 2
experiment: v=2&view=gpt&data=refranes&seed=9&len=40
tasks:
  - do: Pulsa Generar.
    look: Mira el texto.
    when: gpt.generated >= 1
  - do: Piensa en <script>alert(1)</script> el resultado.
    look: Nada más.
---
Un texto con <img src=x onerror="window.hacked=1"> y un [enlace peligroso](javascript:window.hacked=2) y uno [bueno](https://example.org).

{{experiment}}
`;

test("a teacher's own lesson file runs like the shipped ones; a malformed one names its line", async () => {
  const page = await openPage(env.browser, `${env.server.url}?backend=cpu#v=2&view=lessons`);
  await page.waitForSelector('#lesson-file');
  const bad = OWN.replace('gpt.generated >= 1', 'gpt.generated >= 1 and vae.kl < 2');
  await page.setInputFiles('#lesson-file', { name: 'mala.md', mimeType: 'text/markdown', buffer: Buffer.from(bad) });
  await page.waitForSelector('.lesson-error');
  assert.equal(
    await page.textContent('.lesson-error'),
    'La lección «mala.md» tiene un error en la línea 8: «vae.kl» no pertenece a la vista del experimento (gpt).',
  );
  const unknownKey = OWN.replace('&len=40', '&colour=red');
  await page.setInputFiles('#lesson-file', { name: 'clave.md', mimeType: 'text/markdown', buffer: Buffer.from(unknownKey) });
  await page.waitForSelector('#lesson-title');
  await page.waitForSelector('.lesson-error');
  assert.match(
    await page.textContent('.lesson-error'),
    /«clave\.md» tiene un error en la línea 4: el experimento tiene problemas: «colour» no es un parámetro conocido/,
  );
  await page.goto('about:blank');
  await page.goto(`${env.server.url}?backend=cpu#v=2&view=lessons`);
  await page.waitForSelector('#lesson-file');
  await page.setInputFiles('#lesson-file', { name: 'propia.md', mimeType: 'text/markdown', buffer: Buffer.from(OWN) });
  await waitLesson(page);
  // The teacher's text stays text: no markup from it, no script link, the web link kept.
  assert.equal(await page.textContent('#lesson-title'), 'Mi lección <b>propia</b>');
  assert.match(
    await page.textContent('#lesson-before'),
    /Un texto con <img src=x onerror="window.hacked=1"> y un enlace peligroso y uno bueno/,
  );
  assert.deepEqual(await page.$$eval('#lesson-before a', (as) => as.map((a) => a.href)), ['https://example.org/']);
  assert.equal(await page.$$eval('#lesson img, #lesson script, #lesson b', (e) => e.length), 0);
  assert.match(await page.textContent('#lesson-nav'), /Lección propia: propia\.md/);
  await page.waitForFunction(() => !document.getElementById('generate').disabled, null, { timeout: 120_000 });
  await generate(page);
  await waitDone(page, 1);
  assert.doesNotMatch(page.url(), /done=/, "a file's lesson has no place in the link");
  assert.equal(await page.evaluate(() => window.hacked), undefined);
  await shot(page, 'cpu-lesson-own');
  await page.context().close();
});
