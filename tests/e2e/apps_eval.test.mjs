// The tunes' and molecules' scores (tools/eval_apps.mjs) count what they say they count: no
// browser, the same libraries as the page, in Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { barLengths, completeTunes, distinctBars, scoreMolecules, scoreTunes, withMeter } from '../../tools/eval_apps.mjs';

const require = createRequire(import.meta.url);

test('molecules: an invalid SMILES and an empty line are not valid; a training molecule written otherwise is not new', async () => {
  const rdkit = await require('@rdkit/rdkit')();
  const trained = 'CC(=O)Nc1ccc(O)cc1'; // paracetamol, canonical
  const mol = rdkit.get_mol(trained);
  const rewritten = mol.get_smiles(JSON.stringify({ canonical: false, rootedAtAtom: 4 }));
  mol.delete();
  assert.notEqual(rewritten, trained);
  const known = new Set([trained]);
  // 5 lines: ethanol twice (two ways), an unclosed ring, an empty line, paracetamol rewritten.
  const score = await scoreMolecules(['CCO', 'C1CC', '', rewritten, 'OCC'], known);
  assert.deepEqual(score, { molecules: 5, validity: 3 / 5, uniqueness: 2 / 3, novelty: 1 / 2 });
});

test('tunes: complete tunes only, warnings counted, bars measured against the meter with triplets', () => {
  const text =
    'M:3/4\nL:1/8\nK:G\nD|GAB (3cde d2|c2 B2 A2|G4|\n\nM:4/4\nL:1/4\nK:C\nC D|E F G|A B c d|\n\nK:C\nabc &^^ d|\n\nM:2/4\nK:D\nA';
  const tunes = completeTunes(text);
  assert.equal(tunes.length, 3, 'the last tune is cut off');
  const abcjs = require('abcjs');
  // 3/4 in eighths: the pickup D is no full bar; |GAB (3cde d2| lasts 3/8 + 2/8 (a triplet of
  // three eighths) + 2/8 = 7/8: no; |c2 B2 A2| 6/8: yes; |G4| 4/8: no.
  assert.deepEqual(barLengths(abcjs.parseOnly(tunes[0])[0]), { full: 3, matching: 1 });
  // 4/4 in quarters: |E F G| 3/4: no; |A B c d| 4/4: yes.
  assert.deepEqual(barLengths(abcjs.parseOnly(tunes[1])[0]), { full: 2, matching: 1 });
  // A bar runs on across the tune's lines: |G A B c| and |d e f g| on the next line.
  assert.deepEqual(barLengths(abcjs.parseOnly('M:4/4\nL:1/4\nK:C\nC D E F|G A B c|\nd e f g|a b c d|\n')[0]), { full: 3, matching: 3 });
  assert.equal(completeTunes('K:C\nCDEF|\n\nK:D\nDEFG|\n', true).length, 2, 'a whole file ends its last tune');
  const score = scoreTunes(tunes);
  assert.equal(score.tunes, 3);
  assert.equal(score.withoutWarnings, 2 / 3, 'the "&^^" tune has warnings');
  assert.equal(score.fullBars, 5, 'the third tune has one bar line: no full bar');
  assert.equal(score.barsMatchingMeter, 2 / 5);
  // Variety: bars as written, distinct within their tune (headers, spaces and repeats aside).
  assert.deepEqual(distinctBars('M:6/8\nK:D\n|:FAA dAA|FAA dAA|\nFA A dAA:|BcB AFD|]\n'), { bars: 4, distinct: 2 });
  assert.equal(score.distinctBars, 1, 'no bar repeats within these three');
  // Only the tunes of one meter (spaces around it as written are no other meter).
  assert.deepEqual(withMeter([...tunes, 'M: 3/4 \nK:C\nC|'], '3/4'), [tunes[0], 'M: 3/4 \nK:C\nC|']);
  assert.deepEqual(withMeter(tunes, '6/8'), []);
});
