// The molecules' chemistry: RDKit's MinimalLib (web/vendor, tools/vendor.mjs) alone in a classic
// worker. Its bindings are built with `new Function`, which only this script's policy allows
// (tools/serving.mjs); it touches no page and answers with data and SVG text. The page fetches
// the files it needs — RDKit's wasm, the training molecules and their index — with its stall
// checks and hands them over. Messages: {id, verb, args} → {id, result} or {id, error}.
self.importScripts('vendor/RDKit_minimal.js');

let ready = null; // RDKit and its error log, once `init` has its wasm
let index = null; // {fingerprints, bytes, count, training, known: Set of canonical SMILES}

// Bits set in each byte value, for Tanimoto similarity over packed fingerprints.
const BITS = Uint8Array.from({ length: 256 }, (_, b) => b.toString(2).replace(/0/g, '').length);

/** RDKit's first complaint, without its clock and the input it repeats. */
function reason(buffer) {
  const line = buffer.split('\n').find(Boolean) ?? '';
  return line
    .replace(/^\[[\d:]+\]\s*/, '')
    .replace(/^SMILES Parse Error:\s*/, '')
    .replace(/ for input: '.*'$/, '')
    .trim();
}

function similarity(a, b, offset) {
  let both = 0;
  let either = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[offset + i];
    both += BITS[x & y];
    either += BITS[x | y];
  }
  return either ? both / either : 0;
}

const verbs = {
  /** RDKit, from the wasm's bytes (this build reads no `wasmBinary`: its `instantiateWasm`
   * hook takes them, so RDKit fetches nothing itself). */
  async init({ wasm }) {
    const module = await WebAssembly.compile(wasm); // a broken file fails here, not in the hook
    const instantiateWasm = (imports, receive) => {
      WebAssembly.instantiate(module, imports).then(receive);
      return {};
    };
    ready = self.initRDKitModule({ instantiateWasm }).then((rdkit) => ({ rdkit, log: rdkit.set_log_capture('rdApp.error') }));
    return (await ready).rdkit.version();
  },
  /** The training set: the data file's text, its fingerprints and index.json's facts. */
  setIndex({ text, fingerprints, meta }) {
    const training = text.split('\n').slice(0, meta.count);
    const known = new Set(training);
    for (const canonical of Object.keys(meta.canonical)) known.add(canonical);
    index = {
      fingerprints: new Uint8Array(fingerprints),
      bytes: meta.fingerprint.nBits / 8,
      fingerprint: meta.fingerprint,
      training,
      known,
    };
    return training.length;
  },
  /** Each SMILES: whether RDKit reads it as a molecule (why not), its canonical form, its
   * drawing, and whether the training set has it (once the index is set). */
  check({ lines, width, height }, { rdkit, log }) {
    return lines.map((smiles) => {
      log.clear_buffer();
      const mol = rdkit.get_mol(smiles);
      if (!mol) return { valid: false, reason: reason(log.get_buffer()) };
      try {
        const canonical = mol.get_smiles();
        return {
          valid: true,
          canonical,
          svg: mol.get_svg(width, height),
          known: index ? index.known.has(canonical) : null,
        };
      } finally {
        mol.delete();
      }
    });
  },
  /** The training molecule most like `smiles` (Tanimoto similarity of Morgan fingerprints). */
  nearest({ smiles, width, height }, { rdkit }) {
    const mol = rdkit.get_mol(smiles);
    if (!mol) throw new Error(`not a molecule: ${smiles}`);
    const query = mol.get_morgan_fp_as_uint8array(JSON.stringify(index.fingerprint));
    mol.delete();
    let best = -1;
    let bestAt = 0;
    for (let i = 0; i < index.training.length; i++) {
      const s = similarity(query, index.fingerprints, i * index.bytes);
      if (s > best) {
        best = s;
        bestAt = i;
      }
    }
    const match = rdkit.get_mol(index.training[bestAt]);
    const svg = match.get_svg(width, height);
    match.delete();
    return { index: bestAt, smiles: index.training[bestAt], similarity: best, svg };
  },
};

self.onmessage = async ({ data: { id, verb, args } }) => {
  try {
    if (!Object.hasOwn(verbs, verb)) throw new Error(`no verb ${verb}`);
    const result = await verbs[verb](args, await ready);
    postMessage({ id, result });
  } catch (err) {
    postMessage({ id, error: String(err?.message ?? err) });
  }
};
