// NumPy .npy files for tfjs_run.mjs: little-endian, C order, the dtypes a
// TFLite model's inputs and outputs have. Reads versions 1 to 3, writes 1.0.
import fs from 'node:fs';

// TFLite's type names (as TFLiteWebModelRunner reports them) <-> numpy descr.
const kTypes = {
  float32: { descr: '<f4', array: Float32Array },
  float64: { descr: '<f8', array: Float64Array },
  int8: { descr: '|i1', array: Int8Array },
  uint8: { descr: '|u1', array: Uint8Array },
  int16: { descr: '<i2', array: Int16Array },
  int32: { descr: '<i4', array: Int32Array },
  uint32: { descr: '<u4', array: Uint32Array },
  int64: { descr: '<i8', array: BigInt64Array },
  bool: { descr: '|b1', array: Uint8Array },
};
const kMagic = Buffer.from('\x93NUMPY', 'latin1');

function typeOfDescr(descr, file) {
  // numpy writes '<i1' and '|i1' alike for one-byte types.
  const plain = descr.replace(/^[<|=]/, '');
  for (const [name, type] of Object.entries(kTypes))
    if (type.descr.slice(1) === plain) return name;
  throw new Error(`${file}: unsupported .npy dtype '${descr}'`);
}

// { dtype, shape, data }: data is a typed array of the dtype, copied out of the file.
export function readNpy(file) {
  const bytes = fs.readFileSync(file);
  if (bytes.length < 10 || !bytes.subarray(0, 6).equals(kMagic)) throw new Error(`${file}: not a .npy file`);
  const major = bytes[6];
  const lengthBytes = major === 1 ? 2 : 4;
  const headerLength = lengthBytes === 2 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const dataStart = 8 + lengthBytes + headerLength;
  const header = bytes.subarray(8 + lengthBytes, dataStart).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !shape || !/'fortran_order':\s*False/.test(header))
    throw new Error(`${file}: unreadable or Fortran-order .npy header`);
  const dtype = typeOfDescr(descr[1], file);
  const dims = shape[1].split(',').map((d) => d.trim()).filter((d) => d !== '').map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  const TypedArray = kTypes[dtype].array;
  if (bytes.length - dataStart !== count * TypedArray.BYTES_PER_ELEMENT)
    throw new Error(`${file}: ${bytes.length - dataStart} data bytes for ${dtype} [${dims}]`);
  const data = new TypedArray(count);
  new Uint8Array(data.buffer).set(bytes.subarray(dataStart));
  return { dtype, shape: dims, data };
}

// Writes `data` (a typed array of `dtype`) as a version 1.0 file.
export function writeNpy(file, dtype, shape, data) {
  const type = kTypes[dtype];
  if (!type) throw new Error(`${file}: cannot write dtype '${dtype}'`);
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${type.descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  // Magic, version and length take 10 bytes; numpy pads the header with
  // spaces and a newline to a multiple of 64.
  header = header.padEnd(Math.ceil((10 + header.length + 1) / 64) * 64 - 10 - 1) + '\n';
  const prefix = Buffer.alloc(10);
  kMagic.copy(prefix);
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  fs.writeFileSync(file, Buffer.concat([prefix, Buffer.from(header, 'latin1'), body]));
}
