// `node tools/chem_index.mjs [web]`: what the page needs to say whether a generated molecule is
// new and which training molecule it is most like, computed once from the committed data with
// the page's own RDKit (npm @rdkit/rdkit): web/assets/data/moleculas.index.bin, the Morgan
// fingerprint (radius 2, 1 024 bits) of every training molecule in file order, and
// moleculas.index.json (how many, the fingerprint's parameters, the RDKit version, and the
// training molecules whose RDKit canonical SMILES differs from the line, by canonical form).
// Not committed (15 MB, derived): `just setup` runs this when the data or RDKit changed.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { splitText } from './data_split.mjs';

const FINGERPRINT = { radius: 2, nBits: 1024 };
const require = createRequire(import.meta.url);
const RDKIT = require.resolve('@rdkit/rdkit');

const web = process.argv[2] ?? 'web';
const data = join(web, 'assets/data/moleculas');
const fresh = (out) => {
  const built = statSync(out, { throwIfNoEntry: false });
  return built && built.mtimeMs > statSync(`${data}.txt`).mtimeMs && built.mtimeMs > statSync(RDKIT).mtimeMs;
};
if (fresh(`${data}.index.json`) && fresh(`${data}.index.bin`)) process.exit(0);

const RDKit = await require(RDKIT)();
const molecules = splitText(readFileSync(`${data}.txt`, 'utf8'))
  .training.split('\n')
  .slice(0, -1);
const bytes = FINGERPRINT.nBits / 8;
const fingerprints = new Uint8Array(molecules.length * bytes);
const canonical = {};
const details = JSON.stringify(FINGERPRINT);
molecules.forEach((smiles, i) => {
  const mol = RDKit.get_mol(smiles);
  if (!mol) throw new Error(`training molecule ${i + 1} does not parse: ${smiles}`);
  fingerprints.set(mol.get_morgan_fp_as_uint8array(details), i * bytes);
  const written = mol.get_smiles();
  if (written !== smiles) canonical[written] = i;
  mol.delete();
});
writeFileSync(`${data}.index.bin`, fingerprints);
writeFileSync(
  `${data}.index.json`,
  JSON.stringify({ count: molecules.length, fingerprint: FINGERPRINT, rdkit: RDKit.version(), canonical }),
);
console.log(`${data}.index: ${molecules.length} training molecules (RDKit ${RDKit.version()})`);
