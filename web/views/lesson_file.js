// A lesson file (LESSONS.md, "The file format"): a front matter read line by line, so that a
// colon or a quote in a teacher's sentence needs no escaping, then Markdown with one
// `{{experiment}}` line. Pure: the Lecciones view and the unit tests share it.
import { parseCondition } from './lesson_vocabulary.js';

export const EXPERIMENT_MARKER = '{{experiment}}';
const VIEWS = ['gpt', 'diffusion', 'vae', 'gan', 'ganimg', 'pixelgpt', 'compare'];
const HEADER_KEYS = ['title', 'section', 'experiment', 'tasks'];

/** A malformed lesson: an i18n key of `lesson.error.*`, its values and the 1-based line. */
export class LessonError extends Error {
  constructor(key, vars, line) {
    super(key);
    this.key = key;
    this.vars = vars;
    this.line = line;
  }
}

/** The experiment's view, from its link state (`v=2&view=…`); null when it names none we know. */
export function experimentView(experiment) {
  return new URLSearchParams(experiment).get('view');
}

/**
 * Parses a lesson's text. Returns `{ title, section, experiment, view, tasks, body, bodyLine }`
 * (tasks: `{ do, look, when, conditions, line }`); throws a `LessonError` naming the line.
 */
export function parseLesson(source) {
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/);
  const fail = (key, index, vars = {}) => {
    throw new LessonError(key, vars, index + 1);
  };
  if (lines[0].trim() !== '---') fail('lesson.error.start', 0);
  const end = lines.indexOf('---', 1);
  if (end < 0) fail('lesson.error.end', 0);

  const lesson = { tasks: [] };
  let expected = 0; // the next header key, in HEADER_KEYS's order
  let task = null;
  for (let i = 1; i < end; i++) {
    const line = lines[i];
    if (!line.trim()) continue;
    const taskField = /^ {2}- do: (.*)$/.exec(line) ?? /^ {4}(look|when): (.*)$/.exec(line);
    if (expected === HEADER_KEYS.length && taskField) {
      const [key, value] = taskField.length === 2 ? ['do', taskField[1]] : [taskField[1], taskField[2]];
      if (key === 'do') {
        task = { do: value.trim(), line: i + 1 };
        lesson.tasks.push(task);
      } else if (!task || task[key] !== undefined || (key === 'when' && task.look === undefined)) {
        fail('lesson.error.order', i, { key });
      } else {
        task[key] = value.trim();
      }
      if (!value.trim()) fail('lesson.error.empty', i, { key });
      if (key === 'when') task.conditions = parseAt(i, () => parseCondition(value, lesson.view));
      continue;
    }
    const field = /^([a-z]+):(?: (.*))?$/.exec(line);
    if (!field || expected >= HEADER_KEYS.length) fail('lesson.error.line', i, { text: line.trim().slice(0, 60) });
    const [, key, raw = ''] = field;
    if (key !== HEADER_KEYS[expected]) fail('lesson.error.key', i, { key, expected: HEADER_KEYS[expected] });
    expected++;
    const value = raw.trim();
    if (key === 'tasks') {
      if (value) fail('lesson.error.line', i, { text: line.trim() });
      continue;
    }
    if (!value) fail('lesson.error.empty', i, { key });
    if (key === 'section') {
      if (!/^[1-7]$/.test(value)) fail('lesson.error.section', i, { value });
      lesson.section = Number(value);
    } else if (key === 'experiment') {
      const view = experimentView(value);
      if (!VIEWS.includes(view)) fail('lesson.error.view', i, { view: view ?? '' });
      if (new URLSearchParams(value).has('lang')) fail('lesson.error.lang', i);
      lesson.experiment = value;
      lesson.experimentLine = i + 1;
      lesson.view = view;
    } else {
      lesson.title = value;
    }
  }
  if (expected < HEADER_KEYS.length) fail('lesson.error.missing', end, { key: HEADER_KEYS[expected] });
  if (lesson.tasks.length < 2 || lesson.tasks.length > 3) fail('lesson.error.tasks', end, { n: lesson.tasks.length });
  for (const t of lesson.tasks) if (t.look === undefined) fail('lesson.error.look', t.line - 1);

  const body = lines.slice(end + 1);
  const markers = body.flatMap((line, i) => (line.trim() === EXPERIMENT_MARKER ? [i] : []));
  if (markers.length !== 1) fail('lesson.error.marker', end, { n: markers.length });
  lesson.body = body.join('\n');
  lesson.bodyLine = end + 2;
  return lesson;
}

function parseAt(index, parse) {
  try {
    return parse();
  } catch (err) {
    throw new LessonError(err.key, err.vars, index + 1);
  }
}

/** The lesson's text around the experiment: the Markdown before and after the marker line. */
export function splitBody(body) {
  const lines = body.split('\n');
  const at = lines.findIndex((line) => line.trim() === EXPERIMENT_MARKER);
  return [lines.slice(0, at).join('\n'), lines.slice(at + 1).join('\n')];
}
