// Runs a .tflite model in the real TFLite interpreter: the WebAssembly build
// that npm @tensorflow/tfjs-tflite ships (wasm/tflite_web_api_cc_simd.*, the
// SIMD build with XNNPACK, as shared/models/MODELS.md measured), on one or
// many input sets in one process, so the wasm is compiled once per call.
// XNNPACK cannot be switched off through the runner's options; it also takes
// the int8 convolutions, fully connected layers and additions, which it
// requantizes in float: up to one step from TFLite's reference kernels.
//
//   node tfjs_run.mjs MODEL.tflite --inputs A.npy [B.npy ...] --outputs DIR
//
// The input files are taken as many at a time as the model has inputs (in
// the model's input order): set i is files i*M .. i*M+M-1 for M inputs, so a
// single-input model gets one set per file. Each file must have its input's
// dtype and shape. Outputs go to DIR/<set>_<output>.npy (both 0-based), in
// the output's own dtype. One thread, so results do not depend on the machine.
// Success prints nothing; an error is one line on stderr and exit code 1
// (2 for bad arguments).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { readNpy, writeNpy } from './npy.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const wasmDir = path.join(here, 'node_modules/@tensorflow/tfjs-tflite/wasm');

class UsageError extends Error {}

function parseArgs(argv) {
  const args = { model: null, inputs: [], outputs: null };
  let list = null;
  for (const arg of argv) {
    if (arg === '--inputs') list = args.inputs;
    else if (arg === '--outputs') list = 'outputs';
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else if (list === 'outputs') { args.outputs = arg; list = null; }
    else if (list) list.push(arg);
    else if (!args.model) args.model = arg;
    else throw new UsageError(`unexpected argument ${arg}`);
  }
  if (!args.model || !args.inputs.length || !args.outputs)
    throw new UsageError('usage: node tfjs_run.mjs MODEL.tflite --inputs A.npy [B.npy ...] --outputs DIR');
  return args;
}

// The interpreter's Emscripten module. Its JavaScript was built for browsers
// only (the Node branch of Emscripten's loader is compiled out): left alone it
// would fetch() the .wasm from a URL. Handing it the bytes as `wasmBinary`
// skips every fetch, so no browser globals need shimming. Its log lines
// ("INFO: Created TensorFlow Lite XNNPACK delegate") are kept for error messages.
async function loadInterpreter(log) {
  const require = createRequire(import.meta.url);
  const jsPath = path.join(wasmDir, 'tflite_web_api_cc_simd.js');
  if (!fs.existsSync(jsPath))
    throw new Error(`${jsPath} is missing: run 'npm ci --ignore-scripts' in ${here}`);
  const factory = require(jsPath);
  return factory({
    wasmBinary: fs.readFileSync(path.join(wasmDir, 'tflite_web_api_cc_simd.wasm')),
    print: (line) => log.push(line),
    printErr: (line) => log.push(line),
  });
}

// TFLiteWebModelRunner over the model's bytes, which must stay allocated in
// the module's heap as long as the runner lives (TFLite does not copy them).
function createRunner(wasm, modelPath, log) {
  const bytes = fs.readFileSync(modelPath);
  const pointer = wasm._malloc(bytes.length);
  wasm.HEAPU8.set(bytes, pointer);
  const created = wasm.TFLiteWebModelRunner.CreateFromBufferAndOptions(pointer, bytes.length, {
    numThreads: 1,
    enableProfiling: false,
    maxProfilingBufferEntries: 1024,
  });
  if (!created.ok()) {
    const why = [created.errorMessage(), ...log.filter((l) => !l.startsWith('INFO:'))].join('; ');
    throw new Error(`${modelPath}: the TFLite interpreter rejects the model: ${why}`);
  }
  return created.value();
}

// The runner's tensor infos as plain objects (the C++ vector is freed).
function tensorInfos(vector) {
  const infos = [];
  for (let i = 0; i < vector.size(); ++i) infos.push(vector.get(i));
  vector.delete();
  return infos;
}

const shapeOf = (info) => info.shape.split(',').filter((d) => d !== '').map(Number);

function setInput(info, file) {
  const tensor = readNpy(file);
  const expected = shapeOf(info);
  if (tensor.dtype !== info.dataType || tensor.shape.join(',') !== expected.join(','))
    throw new Error(`${file}: ${tensor.dtype} [${tensor.shape}] does not fit model input '${info.name}' ` +
                    `(${info.dataType} [${expected}])`);
  // data() is a view of the wasm heap; fetched anew each time because the
  // heap's buffer changes when it grows.
  info.data().set(tensor.data);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const log = [];
  const wasm = await loadInterpreter(log);
  const runner = createRunner(wasm, args.model, log);
  const inputs = tensorInfos(runner.GetInputs());
  const outputs = tensorInfos(runner.GetOutputs());
  if (args.inputs.length % inputs.length !== 0)
    throw new UsageError(`${args.inputs.length} input files for a model with ${inputs.length} inputs`);
  fs.mkdirSync(args.outputs, { recursive: true });
  for (let set = 0; set * inputs.length < args.inputs.length; ++set) {
    inputs.forEach((info, i) => setInput(info, args.inputs[set * inputs.length + i]));
    if (!runner.Infer()) throw new Error(`${args.model}: inference failed on input set ${set}: ${log.join('; ')}`);
    outputs.forEach((info, k) =>
      writeNpy(path.join(args.outputs, `${set}_${k}.npy`), info.dataType, shapeOf(info), info.data()));
  }
}

main().catch((error) => {
  process.stderr.write(`tfjs_run: ${String(error.message ?? error).split('\n')[0]}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
