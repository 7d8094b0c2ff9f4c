// `node tools/eval_apps.mjs tunes|molecules FILE [COUNT] [--held-out]`: how good a text of generated tunes or
// molecules is, measured with the libraries the page uses (abcjs, RDKit's MinimalLib):
// - tunes (ABC, separated by blank lines; the first COUNT complete ones, 200 by default): the
//   share abcjs parses without a warning, and the share of full bars (between two bar lines)
//   whose notes last exactly what the meter says;
// - molecules (SMILES, one per line; the first COUNT complete lines, 1 000 by default): MOSES's
//   validity (RDKit parses a non-empty line), uniqueness (distinct canonical SMILES among the
//   valid) and novelty (unique ones that are not training molecules, compared canonically,
//   with tools/chem_index.mjs's index).
// Prints one JSON line. With --held-out, FILE is a data file and its held-out tail is scored
// (what a model's samples are set beside); `just eval-apps` does that for both data sets.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { splitText } from './data_split.mjs';

const require = createRequire(import.meta.url);
const EPSILON = 1e-6;

/** The complete tunes of `text`: blocks ended by a blank line (or by the end of a file that ends with one). */
export function completeTunes(text) {
  const blocks = text.split(/\n[ \t]*\n/);
  blocks.pop(); // the last block has no blank line after it: cut off, or the file's end
  return blocks.map((b) => b.replace(/^\s*\n/, '')).filter((b) => b.trim());
}

/** Full bars of an abcjs tune and how many last what its meter says (triplets counted). */
export function barLengths(tune) {
  const { num, den } = tune.getMeterFraction();
  const bar = num / den;
  let full = 0;
  let matching = 0;
  for (const line of tune.lines ?? []) {
    for (const staff of line.staff ?? []) {
      for (const voice of staff.voices ?? []) {
        let length = null; // null until the first bar line: the pickup is not a full bar
        let multiplier = 1;
        for (const el of voice) {
          if (el.el_type === 'bar') {
            if (length !== null) {
              full += 1;
              if (Math.abs(length - bar) < EPSILON) matching += 1;
            }
            length = 0;
          } else if (el.el_type === 'note' && length !== null) {
            if (el.startTriplet) multiplier = el.tripletMultiplier ?? 1;
            length += (el.duration ?? 0) * multiplier;
            if (el.endTriplet) multiplier = 1;
          }
        }
      }
    }
  }
  return { full, matching };
}

export function scoreTunes(tunes) {
  const abcjs = require('abcjs');
  let clean = 0;
  let full = 0;
  let matching = 0;
  for (const abc of tunes) {
    const [tune] = abcjs.parseOnly(abc);
    if (!tune?.warnings?.length) clean += 1;
    const bars = barLengths(tune);
    full += bars.full;
    matching += bars.matching;
  }
  return { tunes: tunes.length, withoutWarnings: clean / tunes.length, fullBars: full, barsMatchingMeter: full ? matching / full : 0 };
}

/** The canonical SMILES of every training molecule (the data file's lines before its held-out tail). */
function trainingSet(data = 'web/assets/data/moleculas') {
  const meta = JSON.parse(readFileSync(`${data}.index.json`, 'utf8'));
  const known = new Set(
    splitText(readFileSync(`${data}.txt`, 'latin1'))
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

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const heldOut = args.includes('--held-out'); // FILE is a data file: score its held-out tail
  const [kind, file, count] = args.filter((a) => a !== '--held-out');
  const whole = readFileSync(file, 'utf8');
  const text = heldOut ? splitText(whole).heldOut : whole;
  let result;
  if (kind === 'tunes') result = scoreTunes(completeTunes(text).slice(0, Number(count ?? 200)));
  else if (kind === 'molecules')
    result = await scoreMolecules(
      text
        .split('\n')
        .slice(0, -1)
        .slice(0, Number(count ?? 1000)),
      trainingSet(),
    );
  else throw new Error('usage: node tools/eval_apps.mjs tunes|molecules FILE [COUNT] [--held-out]');
  console.log(JSON.stringify({ file, heldOut, ...result }));
}
