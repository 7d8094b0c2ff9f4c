// `node tools/eval_apps.mjs tunes|molecules FILE [COUNT] [--held-out] [--meter M]`: how good a text of generated tunes or
// molecules is, measured with the libraries the page uses (abcjs, RDKit's MinimalLib):
// - tunes (ABC, separated by blank lines; the first COUNT complete ones, 200 by default): the
//   share abcjs parses without a warning, the share of full bars (between two bar lines)
//   whose notes last exactly what the meter says, and the share of its bars that are distinct
//   within their tune (a sampler that loops one bar scores well on length, badly here);
// - molecules (SMILES, one per line; the first COUNT complete lines, 1 000 by default): MOSES's
//   validity (RDKit parses a non-empty line), uniqueness (distinct canonical SMILES among the
//   valid) and novelty (unique ones that are not training molecules, compared canonically,
//   with tools/chem_index.mjs's index).
// Prints one JSON line. With --held-out, FILE is a data file and its held-out tail is scored
// (what a model's samples are set beside); `just eval-apps` does that for both data sets. With
// --meter M (e.g. 6/8), only the tunes of that meter: the held-out jigs, beside samples begun
// from a jig's header.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitText } from './data_split.mjs';

const require = createRequire(import.meta.url);
const EPSILON = 1e-6;

/** The complete tunes of `text`: blocks ended by a blank line; the last block too with
 * `wholeFile` (a data file's end ends its last tune; a sample's may have been cut off). */
export function completeTunes(text, wholeFile = false) {
  const blocks = text.split(/\n[ \t]*\n/);
  if (!wholeFile) blocks.pop();
  return blocks.map((b) => b.replace(/^\s*\n/, '')).filter((b) => b.trim());
}

/** Full bars of an abcjs tune and how many last what its meter says (triplets counted). A bar
 * runs from one bar line to the next, across the tune's lines; what comes before a voice's
 * first bar line (the pickup) is not a full bar. */
export function barLengths(tune) {
  const { num, den } = tune.getMeterFraction();
  const bar = num / den;
  let full = 0;
  let matching = 0;
  const voices = new Map(); // "staff/voice" → {length (null before the first bar line), multiplier}
  for (const line of tune.lines ?? []) {
    (line.staff ?? []).forEach((staff, s) => {
      (staff.voices ?? []).forEach((voice, v) => {
        const key = `${s}/${v}`;
        if (!voices.has(key)) voices.set(key, { length: null, multiplier: 1 });
        const state = voices.get(key);
        for (const el of voice) {
          if (el.el_type === 'bar') {
            if (state.length !== null) {
              full += 1;
              if (Math.abs(state.length - bar) < EPSILON) matching += 1;
            }
            state.length = 0;
          } else if (el.el_type === 'note' && state.length !== null) {
            if (el.startTriplet) state.multiplier = el.tripletMultiplier ?? 1;
            state.length += (el.duration ?? 0) * state.multiplier;
            if (el.endTriplet) state.multiplier = 1;
          }
        }
      });
    });
  }
  return { full, matching };
}

/** A tune's bars as written (its body between bar lines; spaces, repeat marks and line ends
 * dropped): how many, and how many distinct. */
export function distinctBars(abc) {
  const body = abc
    .split('\n')
    .filter((line) => !/^[A-Za-z]:/.test(line))
    .join('');
  const bars = body
    .split('|')
    .map((bar) => bar.replace(/[\s:\\[\]]/g, ''))
    .filter(Boolean);
  return { bars: bars.length, distinct: new Set(bars).size };
}

/** The tunes whose meter header (`M:`) is `meter`. */
export function withMeter(tunes, meter) {
  return tunes.filter((abc) => abc.match(/^M:\s*(.*?)\s*$/m)?.[1] === meter);
}

export function scoreTunes(tunes) {
  const abcjs = require('abcjs');
  let clean = 0;
  let full = 0;
  let matching = 0;
  let written = 0;
  let distinct = 0;
  for (const abc of tunes) {
    const [tune] = abcjs.parseOnly(abc);
    if (!tune?.warnings?.length) clean += 1;
    const bars = barLengths(tune);
    full += bars.full;
    matching += bars.matching;
    const variety = distinctBars(abc);
    written += variety.bars;
    distinct += variety.distinct;
  }
  return {
    tunes: tunes.length,
    withoutWarnings: clean / tunes.length,
    fullBars: full,
    barsMatchingMeter: full ? matching / full : 0,
    distinctBars: written ? distinct / written : 0,
  };
}

/** The canonical SMILES of every training molecule (the data file's lines before its held-out
 * tail, and those whose canonical form differs, from tools/chem_index.mjs's index). */
export function trainingSet(data = fileURLToPath(new URL('../web/assets/data/moleculas', import.meta.url))) {
  const meta = JSON.parse(readFileSync(`${data}.index.json`, 'utf8'));
  const known = new Set(
    splitText(readFileSync(`${data}.txt`, 'utf8'))
      .training.split('\n')
      .slice(0, meta.count),
  );
  for (const canonical of Object.keys(meta.canonical)) known.add(canonical);
  return known;
}

export async function scoreMolecules(lines, known) {
  const rdkit = await require('@rdkit/rdkit')();
  rdkit.disable_logging();
  const unique = new Set();
  let valid = 0;
  for (const smiles of lines) {
    const mol = smiles ? rdkit.get_mol(smiles) : null;
    if (!mol) continue;
    valid += 1;
    unique.add(mol.get_smiles());
    mol.delete();
  }
  const novel = [...unique].filter((c) => !known.has(c)).length;
  return {
    molecules: lines.length,
    validity: valid / lines.length,
    uniqueness: valid ? unique.size / valid : 0,
    novelty: unique.size ? novel / unique.size : 0,
  };
}

if (fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const heldOut = args.includes('--held-out'); // FILE is a data file: score its held-out tail
  const meterAt = args.indexOf('--meter');
  const meter = meterAt >= 0 ? args.splice(meterAt, 2)[1] : null;
  const [kind, file, count] = args.filter((a) => a !== '--held-out');
  const whole = readFileSync(file, 'utf8');
  const text = heldOut ? splitText(whole).heldOut : whole;
  let result;
  if (kind === 'tunes') {
    const tunes = completeTunes(text, heldOut);
    result = { meter, ...scoreTunes((meter ? withMeter(tunes, meter) : tunes).slice(0, Number(count ?? 200))) };
  } else if (kind === 'molecules')
    result = await scoreMolecules(
      text
        .split('\n')
        .slice(0, -1)
        .slice(0, Number(count ?? 1000)),
      trainingSet(),
    );
  else throw new Error('usage: node tools/eval_apps.mjs tunes|molecules FILE [COUNT] [--held-out] [--meter M]');
  console.log(JSON.stringify({ file, heldOut, ...result }));
}
