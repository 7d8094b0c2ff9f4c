import { loadGlobalScript, bumpCounter, libraryMessage } from './common.js';

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
function firstTune(text) {
  const body = text.replace(/^(\s*\n)+/, '');
  const end = body.search(/\n[ \t]*\n/);
  return end < 0 ? body : body.slice(0, end);
}

// abcjs's warnings are HTML: "Music Line:LINE:COLUMN: MESSAGE:  the line, the place marked"
// (the marked character in an underlined span).
const WARNING = /^Music Line:(\d+):(\d+): (.*?): {2}/;
const MARKED = /<span[^>]*>([^<]*)<\/span>/;
function readWarning(html) {
  const placed = WARNING.exec(html);
  const mark = MARKED.exec(html)?.[1] ?? '';
  if (placed) return { line: Number(placed[1]), column: Number(placed[2]), message: placed[3], mark };
  return { line: '?', column: '?', message: html.replace(/<[^>]*>/g, ''), mark }; // shown as text only
}

// abcjs writes its warnings in English: the ones generated tunes meet (tallied over the tunes
// data set and the shipped model's samples) in the reader's language, the rest as abcjs wrote them.
const ABC_MESSAGES = [
  [/^Unknown character ignored$/, 'unknownchar'],
  [/^Unknown character '(.*)' while parsing grace note$/, 'gracechar'],
  [/^Unknown decoration: (.*)$/, 'decoration'],
  [/^Duration not representable: (.*)$/, 'duration'],
  [/^Can't nest triplets$/, 'triplets'],
  [/^Unknown bar (?:symbol|type)$/, 'bar'],
  [/^Expected '(.*)' to end the chords$/, 'chordend'],
];

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

export function tunePanel({ $, t, showError, measure }) {
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
    const item = (text) => {
      const li = document.createElement('li');
      li.textContent = text;
      return li;
    };
    const more = warnings.length - WARNINGS_SHOWN;
    $('tune-warnings').replaceChildren(
      ...warnings
        .slice(0, WARNINGS_SHOWN)
        .map((w) =>
          item(t('tune.warning', { ...w, message: libraryMessage(t, ABC_MESSAGES, 'tune.abc', w.message, { mark: w.mark }) ?? w.message })),
        ),
      ...(more > 0 ? [item(t('tune.warnings.more', { n: more }))] : []),
    );
  }

  /** Draw the first tune of `text` (the prompt and the generated text). */
  async function show(text) {
    stop();
    if (!abcjs) {
      say('tune.loading');
      try {
        abcjs = await loadGlobalScript(ABCJS_URL, 'ABCJS');
      } catch (err) {
        say('tune.failed', { error: err.message });
        throw err;
      }
    }
    const abc = firstTune(text);
    const score = $('score');
    [tune] = abcjs.renderAbc(score, abc, { add_classes: true, responsive: 'resize' });
    warnings = (tune?.warnings ?? []).map(readWarning);
    const notes = score.querySelectorAll('.abcjs-note').length;
    score.dataset.notes = String(notes);
    measure('tune_notes', notes);
    score.dataset.warnings = String(warnings.length);
    score.dataset.abc = abc;
    drawWarnings();
    if (notes === 0) say('tune.nonotes');
    else if (!/^K:/m.test(abc)) say('tune.noheader', { notes });
    else if (warnings.length) say('tune.warnings', { notes, n: warnings.length });
    else say('tune.ok', { notes });
    $('tune-play').disabled = notes === 0;
    bumpCounter('tunes');
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

  let playToken = 0; // a play that resumed after a Stop, a new tune or another Play does not start
  async function play() {
    stop();
    const token = ++playToken;
    $('tune-play').disabled = true;
    tune.setUpAudio(); // gives every note its MIDI pitch and length
    const audio = new AudioContext();
    await audio.resume();
    if (token !== playToken) {
      audio.close();
      return;
    }
    const timing = new abcjs.TimingCallbacks(tune, { eventCallback: (e) => light(e) });
    const meter = tune.getMeterFraction();
    const out = audio.createGain();
    out.gain.value = LOUDNESS;
    out.connect(audio.destination);
    const start = audio.currentTime + 0.1;
    for (const event of timing.noteTimings) {
      const wholeNote = (event.millisecondsPerMeasure * meter.den) / meter.num / 1000;
      const at = start + event.milliseconds / 1000;
      // A meter of 0 (M:0/4, generated) gives no length: a short note.
      const seconds = (p) => (Number.isFinite(wholeNote) ? p.duration * wholeNote : 0.25);
      for (const p of event.midiPitches ?? []) playNote(audio, out, p.pitch, at, seconds(p), p.volume);
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
    playToken += 1;
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

  $('tune-play').onclick = () =>
    play().catch((err) => {
      $('tune-play').disabled = !tune;
      showError(err);
    });
  $('tune-stop').onclick = () => stop();

  return {
    /** Not awaited by the view: a slow library never holds up its other work. */
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
