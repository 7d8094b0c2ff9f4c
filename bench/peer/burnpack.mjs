// Reads a burnpack file (burn-pack 0.22's layout: a 10-byte header — magic "BURN", version,
// metadata length —, CBOR metadata naming each tensor's dtype, shape and byte range, then the
// data section at the next 256-byte boundary) into {name: {shape, values: Float32Array}}, so
// the TensorFlow.js peer loads the very weights the page ships. F32 and F16 only: what our
// models store.
import { decode } from 'cborg';

const MAGIC = 0x4255524e;
const HEADER_BYTES = 10;
const ALIGNMENT = 256;

function halfToFloat(bits) {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

export function readBurnpack(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error('not a burnpack file');
  const metadataBytes = view.getUint32(6, true);
  const { tensors } = decode(bytes.subarray(HEADER_BYTES, HEADER_BYTES + metadataBytes));
  const dataStart = Math.ceil((HEADER_BYTES + metadataBytes) / ALIGNMENT) * ALIGNMENT;
  const out = {};
  for (const [
    name,
    {
      dtype,
      shape,
      data_offsets: [start, end],
    },
  ] of Object.entries(tensors)) {
    const at = dataStart + Number(start);
    const count = shape.reduce((n, d) => n * Number(d), 1);
    const width = { F32: 4, F16: 2 }[dtype];
    if (!width) throw new Error(`${name}: dtype ${JSON.stringify(dtype)} not read`);
    if (Number(end) - Number(start) !== count * width) throw new Error(`${name}: byte range does not fit shape ${shape}`);
    const values =
      width === 4
        ? Float32Array.from({ length: count }, (_, i) => view.getFloat32(at + 4 * i, true))
        : Float32Array.from({ length: count }, (_, i) => halfToFloat(view.getUint16(at + 2 * i, true)));
    out[name] = { shape: shape.map(Number), values };
  }
  return out;
}
