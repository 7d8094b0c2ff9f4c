// `node tools/vendor.mjs [web]`: copies the browser builds of the page's npm libraries (pinned in
// package.json) and their licences into web/vendor/ (not committed: `just setup` runs this, and
// `just dist` ships the folder). The page loads each one only with the data set that needs it.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const FILES = [
  // The tunes' scores, their note timings and parse warnings (ABC notation).
  ['abcjs/dist/abcjs-basic-min.js', 'abcjs-basic-min.js'],
  ['abcjs/dist/abcjs-basic-min.js.LICENSE', 'abcjs-basic-min.js.LICENSE.txt'],
  // The molecules' drawings, checks and fingerprints (RDKit's MinimalLib, BSD-3-Clause), run in
  // chem_worker.js.
  ['@rdkit/rdkit/dist/RDKit_minimal.js', 'RDKit_minimal.js'],
  ['@rdkit/rdkit/dist/RDKit_minimal.wasm', 'RDKit_minimal.wasm'],
  ['../tools/licenses/RDKit.txt', 'RDKit_minimal.LICENSE.txt'], // the package has none
  // The lessons' Markdown (its lexer; views/markdown_dom.js builds the nodes).
  ['marked/lib/marked.esm.js', 'marked.esm.js'],
  ['marked/LICENSE', 'marked.LICENSE.txt'],
];

const target = join(process.argv[2] ?? 'web', 'vendor');
mkdirSync(target, { recursive: true });
for (const [from, to] of FILES) copyFileSync(join('node_modules', from), join(target, to));
