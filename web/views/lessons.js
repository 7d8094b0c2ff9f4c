// The Lecciones view: the course as a path. The index lists the lessons by section; a lesson is
// its Markdown text with one live experiment (a view of the page, mounted in place at the
// lesson's link state) and two or three tasks, ticked when their condition on the experiment's
// measured values holds (or by the student, for a task with no condition). The link holds the
// lesson and its finished tasks; the lesson file holds the experiment. LESSONS.md: the format.
import { FAMILIES } from '../families.js';
import { fetchText } from '../fetching.js';
import { html, reloadingLink } from './common.js';
import { LessonError, parseLesson, splitBody } from './lesson_file.js';
import { holds, measurements } from './lesson_vocabulary.js';
import { markdownNodes } from './markdown_dom.js';

const SECTIONS = [1, 2, 3, 4, 5, 6, 7];

export async function mount(root, shell) {
  const { call, spec, updateSpec, t, lang, translatePage } = shell;
  const names = JSON.parse(await fetchText('lessons/index.json'));
  const asked = Number(spec.lesson);
  // `number`: the shown lesson's place in the index; null for the index or a lesson from a file.
  const page = { number: null, lesson: null, file: null, view: null, done: Number(spec.done) };

  const $ = (id) => root.querySelector(`#${id}`);
  // A lesson's own address: this page, this lesson (by default the search keeps `embed` and
  // `backend`).
  const lessonHref = (n, search = location.search) => `${location.pathname}${search}#v=2&view=lessons&lesson=${n}&lang=${lang()}`;
  const link = (n, text, id) => {
    const a = document.createElement('a');
    a.href = lessonHref(n);
    a.textContent = text;
    if (id) a.id = id;
    return reloadingLink(a);
  };
  async function readLesson(name, code = lang()) {
    const file = `${code}/${name}`;
    return { file, source: await fetchText(`lessons/${file}`) };
  }
  // What is wrong with a lesson file, naming the file and the line.
  function errorText(file, err) {
    if (!(err instanceof LessonError)) return t('lesson.error.read', { file, error: err.message });
    return t('lesson.error', { file, line: err.line, what: t(err.key, err.vars) });
  }
  // `err`: what went wrong, or its text already written.
  function showLessonError(box, file, err) {
    const p = document.createElement('p');
    p.className = 'error lesson-error';
    p.textContent = typeof err === 'string' ? err : errorText(file, err);
    box.append(p);
  }

  // ---- the index --------------------------------------------------------------------------
  async function drawIndex() {
    root.append(html`
    <section class="card lessons-index" id="lessons-index">
      <h2 data-i18n="lessons.title"></h2>
      <p class="intro" data-i18n="lessons.intro"></p>
      <div id="lessons-list"></div>
      <h3 data-i18n="lessons.own.title"></h3>
      <p class="help" data-i18n="lessons.own.help"></p>
      <label class="drop" id="lesson-drop"><span data-i18n="lessons.own.choose"></span>
        <input type="file" id="lesson-file" accept=".md,.markdown,.txt,text/markdown,text/plain"></label>
    </section>`);
    const list = root.querySelector('#lessons-list');
    if (asked > names.length) {
      const p = document.createElement('p');
      p.className = 'message';
      p.textContent = t('lessons.missing', { n: asked, count: names.length });
      list.before(p);
    }
    const lessons = await Promise.all(
      names.map(async (name, i) => {
        const file = `${lang()}/${name}`;
        try {
          return { n: i + 1, lesson: parseLesson((await readLesson(name)).source) };
        } catch (err) {
          return { n: i + 1, error: errorText(file, err) };
        }
      }),
    );
    // A lesson that does not read is listed with what is wrong, for the teacher who wrote it.
    for (const { error } of lessons) if (error) showLessonError(list, null, error);
    list.append(
      ...SECTIONS.map((section) => {
        const block = document.createElement('div');
        block.className = 'lessons-section';
        const h = document.createElement('h3');
        h.textContent = t('lessons.section', { n: section, name: t(`lessons.section.${section}`) });
        const ol = document.createElement('ol');
        for (const { n, lesson } of lessons) {
          if (lesson?.section !== section) continue;
          const li = document.createElement('li');
          li.value = n;
          li.append(link(n, lesson.title));
          ol.append(li);
        }
        block.append(h, ol);
        return block;
      }),
    );
    translatePage();
    const input = root.querySelector('#lesson-file');
    input.onchange = () => {
      const file = input.files[0];
      // The same file, mended, can be chosen again.
      input.value = '';
      if (file) openOwn(file);
    };
    // A file dropped anywhere on the index opens the same way.
    const drop = root.querySelector('#lessons-index');
    drop.addEventListener('dragover', (e) => {
      e.preventDefault();
      drop.classList.add('dragging');
    });
    drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('dragging');
      const file = e.dataTransfer.files[0];
      if (file) openOwn(file);
    });
  }
  async function openOwn(file) {
    const source = await file.text();
    let lesson;
    try {
      lesson = parseLesson(source);
    } catch (err) {
      root.querySelector('#own-lesson-error')?.remove();
      showLessonError(root.querySelector('#lessons-index'), file.name, err);
      root.querySelector('#lessons-index .lesson-error:last-child').id = 'own-lesson-error';
      return;
    }
    root.replaceChildren();
    await drawLesson(lesson, file.name, null);
  }

  // ---- one lesson ---------------------------------------------------------------------------
  async function drawLesson(lesson, file, n) {
    page.number = n;
    page.lesson = lesson;
    page.file = file;
    root.append(html`
    <article class="lesson" id="lesson">
      <nav class="lesson-nav" id="lesson-nav"></nav>
      <section class="card lesson-text">
        <p class="lesson-section" id="lesson-section"></p>
        <h2 id="lesson-title"></h2>
        <div id="lesson-before"></div>
      </section>
      <div class="lesson-work">
        <div class="lesson-experiment" id="lesson-experiment"></div>
        <aside class="card lesson-tasks" id="lesson-tasks" aria-live="polite">
          <h3 data-i18n="lessons.tasks"></h3>
          <ol id="lesson-task-list"></ol>
        </aside>
      </div>
      <section class="card lesson-text" id="lesson-after"></section>
    </article>`);
    drawNav(n);
    drawText();

    // The experiment: its link state read by the page's own codec, a problem in it named by line.
    const parsed = await call('parseSpec', { hash: `#${lesson.experiment}` });
    if (parsed.notices.length) {
      const what = parsed.notices.map((notice) => t(`notice.${notice.kind}`, notice)).join(' ');
      showLessonError($('lesson-experiment'), file, new LessonError('lesson.error.experiment', { what }, lesson.experimentLine));
      return;
    }
    let values = { ...Object.fromEntries(parsed.values), lang: lang() };
    const measured = measurements(lesson.view, checkTasks);
    measured.spec(values);
    // The experiment's controls change its own state, not the page's link (the lesson's).
    const updateExperiment = async (changes) => {
      const pairs = Object.entries({ ...values, ...changes }).map(([k, v]) => [k, String(v)]);
      values = Object.fromEntries((await call('encodeSpec', { pairs })).values);
      measured.spec(values);
      return values;
    };
    const family = FAMILIES.find((f) => f.id === lesson.view);
    const { mount: mountView } = await import(new URL(`../${family.module}`, import.meta.url).href);
    page.view = await mountView($('lesson-experiment'), {
      ...shell,
      spec: values,
      updateSpec: updateExperiment,
      measure: measured.measure,
    });
    translatePage();
    page.view.translate();
    document.body.dataset.lessonReady = '1';
  }
  function drawNav(n) {
    const nav = root.querySelector('#lesson-nav');
    const items = [link(0, t('lessons.index'), 'lesson-index')];
    if (n === null) {
      items.push(Object.assign(document.createElement('span'), { textContent: t('lessons.own', { file: page.file }) }));
    } else {
      items.push(Object.assign(document.createElement('span'), { textContent: t('lessons.position', { n, count: names.length }) }));
      if (n > 1) items.push(link(n - 1, t('lessons.previous'), 'lesson-previous'));
      if (n < names.length) items.push(link(n + 1, t('lessons.next'), 'lesson-next'));
    }
    // Embedded in a course site: the whole page, in a new tab, at this lesson.
    if (document.body.classList.contains('embed') && n !== null) {
      const whole = document.createElement('a');
      whole.href = lessonHref(n, '');
      whole.target = '_blank';
      whole.rel = 'noopener';
      whole.id = 'lesson-whole';
      whole.textContent = t('lessons.whole');
      items.push(whole);
    }
    nav.replaceChildren(...items);
  }
  function drawText() {
    const { lesson } = page;
    $('lesson-section').textContent = t('lessons.section', { n: lesson.section, name: t(`lessons.section.${lesson.section}`) });
    $('lesson-title').textContent = lesson.title;
    const [before, after] = splitBody(lesson.body);
    $('lesson-before').replaceChildren(...markdownNodes(before));
    $('lesson-after').replaceChildren(...markdownNodes(after));
    $('lesson-after').hidden = !after.trim();
    drawTasks();
  }
  function drawTasks() {
    const list = root.querySelector('#lesson-task-list');
    list.replaceChildren(
      ...page.lesson.tasks.map((task, i) => {
        const done = Boolean(page.done & (1 << i));
        const li = document.createElement('li');
        li.className = done ? 'task done' : 'task';
        li.dataset.task = String(i + 1);
        const tick = document.createElement('button');
        tick.className = 'tick';
        // A task the page checks is ticked by the page; a question, by the student.
        tick.disabled = done || Boolean(task.conditions);
        tick.textContent = done ? '✓' : '';
        tick.title = t(done ? 'lessons.task.done' : task.conditions ? 'lessons.task.checked' : 'lessons.task.mark');
        tick.setAttribute('aria-label', tick.title);
        tick.onclick = () => finish(i);
        const what = document.createElement('p');
        what.className = 'do';
        what.textContent = task.do;
        const look = document.createElement('p');
        look.className = 'look';
        look.textContent = task.look;
        li.append(tick, what, look);
        return li;
      }),
    );
  }
  function finish(i) {
    if (page.done & (1 << i)) return;
    page.done |= 1 << i;
    drawTasks();
    // A lesson opened from a file has no place in the link.
    if (page.number) updateSpec({ done: page.done }).catch(shell.showError);
  }
  function checkTasks(values) {
    page.lesson.tasks.forEach((task, i) => {
      if (task.conditions && holds(task.conditions, values)) finish(i);
    });
  }

  if (asked > 0 && asked <= names.length) {
    const name = names[asked - 1];
    let read;
    try {
      read = await readLesson(name);
      await drawLesson(parseLesson(read.source), read.file, asked);
    } catch (err) {
      root.replaceChildren();
      showLessonError(root, read?.file ?? `${lang()}/${name}`, err);
    }
  } else {
    await drawIndex();
  }

  let shownLang = lang();
  // The other language's file of the same lesson: its text and tasks, the same experiment (a
  // lesson from a file has one language; the index and the labels follow the page).
  async function retranslate() {
    const code = lang();
    if (code === shownLang) return;
    shownLang = code;
    if (!page.lesson) {
      if (root.querySelector('#lessons-index')) {
        root.replaceChildren();
        await drawIndex();
      }
      return;
    }
    if (page.number) {
      const { file, source } = await readLesson(names[page.number - 1], code);
      // A quicker second switch has drawn its own language already.
      if (code !== lang()) return;
      page.lesson = parseLesson(source);
      page.file = file;
    }
    drawNav(page.number);
    drawText();
    page.view?.translate();
  }
  return {
    translate: () => retranslate().catch(shell.showError),
  };
}
