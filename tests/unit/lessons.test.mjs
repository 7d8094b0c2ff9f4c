// The lesson format and the condition vocabulary (LESSONS.md), and every shipped lesson.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { LessonError, parseLesson, splitBody } from '../../web/views/lesson_file.js';
import { holds, measurements, parseCondition } from '../../web/views/lesson_vocabulary.js';

const GOOD = `---
title: Una lección: con dos puntos
section: 1
experiment: v=2&view=gpt&data=refranes&temp=0.8
tasks:
  - do: Baja la Temperatura a 0,2 y pulsa Generar.
    look: La barra más alta se lleva casi todo.
    when: gpt.temp <= 0.2 and gpt.generated >= 1
  - do: Piensa.
    look: ¿Por qué?
---
Un párrafo.

{{experiment}}

Otro párrafo.
`;

function errorOf(source) {
  try {
    parseLesson(source);
  } catch (err) {
    assert.ok(err instanceof LessonError, String(err));
    return { key: err.key, line: err.line, vars: err.vars };
  }
  assert.fail('the lesson was accepted');
}

test('a well-formed lesson gives its fields, tasks and conditions', () => {
  const lesson = parseLesson(GOOD);
  assert.equal(lesson.title, 'Una lección: con dos puntos');
  assert.equal(lesson.section, 1);
  assert.equal(lesson.view, 'gpt');
  assert.equal(lesson.experimentLine, 4);
  assert.equal(lesson.tasks.length, 2);
  assert.deepEqual(lesson.tasks[0].conditions, [
    { name: 'gpt.temp', op: '<=', number: 0.2 },
    { name: 'gpt.generated', op: '>=', number: 1 },
  ]);
  assert.equal(lesson.tasks[1].conditions, undefined);
  assert.deepEqual(splitBody(lesson.body), ['Un párrafo.\n', '\nOtro párrafo.\n']);
});

test('a malformed lesson names its line and what is wrong', () => {
  const cases = [
    [GOOD.replace('---\ntitle', 'title'), 'lesson.error.start', 1],
    [GOOD.replace('section: 1', 'section: 8'), 'lesson.error.section', 3],
    [GOOD.replace('section: 1\n', ''), 'lesson.error.key', 3],
    [GOOD.replace('view=gpt', 'view=chat'), 'lesson.error.view', 4],
    [GOOD.replace('&temp=0.8', '&lang=en'), 'lesson.error.lang', 4],
    [GOOD.replace('gpt.generated', 'gpt.bananas'), 'lesson.error.name', 8],
    [GOOD.replace('gpt.generated', 'vae.decoded'), 'lesson.error.nameview', 8],
    [GOOD.replace('gpt.temp <= 0.2', 'gpt.temp > 2'), 'lesson.error.cannot', 8],
    [GOOD.replace('gpt.temp <= 0.2', 'temp is low'), 'lesson.error.condition', 8],
    [GOOD.replace('    look: ¿Por qué?\n', ''), 'lesson.error.look', 9],
    [GOOD.replace(/ {2}- do: Piensa\.\n {4}look: ¿Por qué\?\n/, ''), 'lesson.error.tasks', 9],
    [GOOD.replace('{{experiment}}', ''), 'lesson.error.marker', 11],
    [GOOD.replace('title: Una', 'titel: Una'), 'lesson.error.key', 2],
    [GOOD.replace(/---\nUn párrafo/, 'Un párrafo'), 'lesson.error.end', 1],
  ];
  for (const [source, key, line] of cases) assert.deepEqual(pick(errorOf(source)), { key, line }, key);
});
const pick = ({ key, line }) => ({ key, line });

test('conditions that cannot hold are refused; the others hold only on measured values', () => {
  for (const text of ['gpt.copied > 100', 'gpt.temp >= 2.5', 'vae.mix < 0', 'gan.modes == 30', 'gpt.step < 0']) {
    assert.throws(() => parseCondition(text, text.split('.')[0]), { key: 'lesson.error.cannot' }, text);
  }
  const conditions = parseCondition('gpt.temp >= 1.5 and gpt.generated >= 1', 'gpt');
  assert.equal(holds(conditions, { 'gpt.temp': 1.5 }), false); // nothing generated yet
  assert.equal(holds(conditions, { 'gpt.temp': 1.5, 'gpt.generated': 1 }), true);
  assert.equal(holds(conditions, { 'gpt.temp': 1.4, 'gpt.generated': 3 }), false);
  assert.equal(holds(parseCondition('gpt.lines == 0', 'gpt'), { 'gpt.lines': 0 }), true);
});

test('counts start at 0 and start again when a setting they depend on changes', () => {
  const seen = [];
  const m = measurements('gpt', (v) => seen.push({ ...v }));
  m.spec({ temp: '0.8', lr: '0.003', lines: '0', seed: '1' });
  assert.equal(m.values['gpt.generated'], 0);
  m.measure('generated');
  m.measure('generated');
  m.measure('copied', 70);
  assert.equal(m.values['gpt.generated'], 2);
  m.spec({ temp: '1.5', lr: '0.003', lines: '0', seed: '1' });
  assert.equal(m.values['gpt.temp'], 1.5);
  assert.equal(m.values['gpt.generated'], 0, 'a text written at another temperature does not count');
  assert.equal(m.values['gpt.copied'], 70, 'the temperature does not change the model');
  m.measure('model');
  assert.equal(m.values['gpt.copied'], undefined, 'a new model makes the last check stale');
  m.measure('step', 300);
  m.measure('unknown', 5);
  assert.equal(m.values['gpt.step'], 300);
  assert.equal('gpt.unknown' in m.values, false);
  assert.ok(seen.length >= 6);
});

// Every shipped lesson parses, in both languages, and the two files agree on what is checked.
test('every shipped lesson parses, and its Spanish and English files agree', () => {
  const index = JSON.parse(readFileSync('web/lessons/index.json', 'utf8'));
  const sections = new Set();
  const views = new Set();
  for (const name of index) {
    const [es, en] = ['es', 'en'].map((lang) => {
      try {
        return parseLesson(readFileSync(`web/lessons/${lang}/${name}`, 'utf8'));
      } catch (err) {
        return assert.fail(`${lang}/${name}:${err.line}: ${err.key} ${JSON.stringify(err.vars)}`);
      }
    });
    assert.equal(es.section, en.section, name);
    assert.equal(es.experiment, en.experiment, name);
    assert.deepEqual(
      es.tasks.map((t) => t.when),
      en.tasks.map((t) => t.when),
      name,
    );
    sections.add(es.section);
    views.add(es.view);
  }
  assert.equal(sections.size, 7, 'one lesson per section of the course at least');
  assert.deepEqual([...views].sort(), ['compare', 'diffusion', 'gan', 'ganimg', 'gpt', 'pixelgpt', 'vae']);
});
