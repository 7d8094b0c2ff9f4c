import { loadGlobalScript } from './common.js';

// The GPT's text as music (data set «musica»): the text's first tune drawn as a score by abcjs
// (loaded only with this data set), what abcjs could not read said line by line, and the tune
// played with notes synthesised in Web Audio, the note under way highlighted. Synthesised, not
// sampled: no instrument files to ship or fetch, so no request leaves the page (ARCHITECTURE.md).

export const TUNE_PANEL = `
  <section class="card" id="gpt-tune" hidden>
    <h2 data-i18n="tune.title"></h2>
    <p class="intro" data-i18n="tune.intro"></p>
    <div class="controls">
      <button id="tune-play" data-i18n="tune.play" disabled></button>
      <button id="tune-stop" class="secondary" data-i18n="tune.stop" disabled></button>
    </div>
    <p class="status" id="tune-status" data-i18n="tune.empty"></p>
    <ul class="help" id="tune-warnings"></ul>
    <div class="score" id="score"></div>
  </section>`;

const ABCJS_URL = 'vendor/abcjs-basic-min.js';
const WARNINGS_SHOWN = 5;
const LOUDNESS = 0.15; // the master gain: a few triangle waves at once stay below clipping

/** A blank line ends a tune in ABC: the text's first tune (the prompt and what follows it). */
export function firstTune(text) {
  const body = text.replace(/^(\s*\n)+/, '');
  const end = body.search(/\n[ \t]*\n/);
  return end < 0 ? body : body.slice(0, end);
}

/** The line (from 1) and column (from 1) of character `at` of `text`. */
function place(text, at) {
  const before = text.slice(0, Math.max(0, at));
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: before.length - lineStart + 1 };
}

/** One note: a triangle wave with a quick attack and a plucked decay, from `at` for `seconds`. */
function playNote(audio, out, pitch, at, seconds, volume = 80) {
  const osc = audio.createOscillator();
  osc.type = 'triangle';
  osc.frequency.value = 440 * 2 ** ((pitch - 69) / 12);
  const envelope = audio.createGain();
  const peak = 0.4 + (0.6 * Math.min(volume, 127)) / 127;
  const end = at + Math.max(seconds, 0.06);
  envelope.gain.setValueAtTime(0, at);
  envelope.gain.linearRampToValueAtTime(peak, at + 0.01);
  envelope.gain.setTargetAtTime(peak * 0.4, at + 0.01, 0.15);
  envelope.gain.setTargetAtTime(0, end - 0.03, 0.01);
  osc.connect(envelope).connect(out);
  osc.start(at);
  osc.stop(end + 0.05);
}

export function tunePanel({ $, t, showError }) {
  let abcjs = null;
  let tune = null; // abcjs's tune as drawn
  let playing = null; // {audio, timing, lit}
  let status = ['tune.empty', {}]; // said again in the other language
  let warnings = []; // {line, column, message}

  function say(key, params = {}) {
    status = [key, params];
    $('tune-status').textContent = t(key, params);
    delete $('tune-status').dataset.i18n;
  }
  function drawWarnings() {
    $('tune-warnings').replaceChildren(
      ...warnings.slice(0, WARNINGS_SHOWN).map((w) => {
        const li = document.createElement('li');
        li.textContent = t('tune.warning', w);
        return li;
      }),
    );
  }

  /** Draw the first tune of `text` (the prompt and the generated text). */
  async function show(text) {
    stop();
    if (!abcjs) {
      say('tune.loading');
      abcjs = await loadGlobalScript(ABCJS_URL, 'ABCJS');
    }
    const abc = firstTune(text);
    const score = $('score');
    [tune] = abcjs.renderAbc(score, abc, { add_classes: true, responsive: 'resize' });
    warnings = (tune?.warningObjects ?? []).map((w) => ({ ...place(abc, w.startChar), message: w.message }));
    const notes = score.querySelectorAll('.abcjs-note').length;
    score.dataset.notes = String(notes);
    score.dataset.warnings = String(warnings.length);
    score.dataset.abc = abc;
    drawWarnings();
    if (notes === 0) say('tune.nonotes');
    else if (!/^K:/m.test(abc)) say('tune.noheader', { notes });
    else if (warnings.length) say('tune.warnings', { notes, n: warnings.length });
    else say('tune.ok', { notes });
    $('tune-play').disabled = notes === 0;
    document.body.dataset.tunes = String((document.body.dataset.tunes | 0) + 1);
  }

  function light(event) {
    for (const el of playing?.lit ?? []) el.classList.remove('tune-now');
    if (!playing) return;
    playing.lit = (event?.elements ?? []).flat();
    for (const el of playing.lit) el.classList.add('tune-now');
    if (!event) {
      say('tune.done');
      stop(1.5); // the last note still sounds
      return;
    }
    $('score').dataset.lit = String(Number($('score').dataset.lit || 0) + 1);
  }

  async function play() {
    stop();
    tune.setUpAudio(); // gives every note its MIDI pitch and length
    const audio = new AudioContext();
    await audio.resume();
    const timing = new abcjs.TimingCallbacks(tune, { eventCallback: (e) => light(e) });
    const meter = tune.getMeterFraction();
    const out = audio.createGain();
    out.gain.value = LOUDNESS;
    out.connect(audio.destination);
    const start = audio.currentTime + 0.1;
    for (const event of timing.noteTimings) {
      const wholeNote = (event.millisecondsPerMeasure * meter.den) / meter.num / 1000;
      const at = start + event.milliseconds / 1000;
      for (const p of event.midiPitches ?? []) playNote(audio, out, p.pitch, at, p.duration * wholeNote, p.volume);
    }
    playing = { audio, timing, lit: [] };
    $('tune-play').dataset.audio = audio.state;
    $('tune-play').disabled = true;
    $('tune-stop').disabled = false;
    say('tune.playing');
    setTimeout(() => playing?.timing === timing && timing.start(), 100);
  }

  /** Stop the music, or let it ring for `after` seconds (the tune's end) first. */
  function stop(after = 0) {
    if (!playing) return;
    const { audio, timing, lit } = playing;
    playing = null;
    timing.stop();
    for (const el of lit) el.classList.remove('tune-now');
    setTimeout(() => audio.close(), after * 1000);
    $('tune-play').disabled = !tune;
    $('tune-stop').disabled = true;
    if (status[0] === 'tune.playing') say('tune.stopped');
  }

  $('tune-play').onclick = () => play().catch(showError);
  $('tune-stop').onclick = () => stop();

  return {
    show: (text) => show(text).catch(showError),
    /** Shown only for the tunes data set; hiding it stops the music. */
    visible(yes) {
      $('gpt-tune').hidden = !yes;
      if (!yes) stop();
    },
    translate() {
      if (!$('tune-status').dataset.i18n) $('tune-status').textContent = t(...status);
      drawWarnings();
    },
  };
}
