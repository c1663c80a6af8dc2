// Times other runtimes on the very tensors octet's engine gets (a stacked
// .npy from `octet_bench tensors`), batch 1, one input at a time, for
// bench/speed.sh. Prints one JSON line: runtime, images, seconds, images/s.
//
//   node runtimes.mjs ort MODEL.onnx --inputs X.npy [--threads T] [--repeat R]
//       ONNX Runtime (npm onnxruntime-node, native CPU provider), T intra-op
//       threads, sequential execution, all graph optimisations.
//   node runtimes.mjs tfjs-tflite MODEL.tflite --inputs X.npy [--repeat R]
//       The TFLite interpreter of npm @tensorflow/tfjs-tflite (WebAssembly,
//       SIMD build with XNNPACK, as tests/runtime/tfjs_run.mjs loads it), 1 thread.
//   node --experimental-wasm-relaxed-simd runtimes.mjs litert MODEL.tflite --inputs X.npy [--repeat R]
//       LiteRT.js (npm @litertjs/core, WebAssembly CPU with XNNPACK), 1 thread.
//       Its JavaScript API has no int8 tensors: give it a model with uint8
//       or float inputs and outputs.
//
// The first 10 inputs are run untimed (warm-up: weights packed, memory
// planned), then R timed passes over all of them (octet_bench run does the same).
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { readNpy } from '../tests/runtime/npy.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function parseArgs(argv) {
  const [runtime, model, ...rest] = argv;
  const args = { runtime, model, inputs: null, threads: 1, repeat: 3 };
  for (let i = 0; i < rest.length; i += 2) {
    const key = rest[i].replace(/^--/, '');
    if (!(key in args) || rest[i + 1] === undefined) throw new Error(`bad argument ${rest[i]}`);
    args[key] = key === 'inputs' ? rest[i + 1] : Number(rest[i + 1]);
  }
  if (!runtime || !model || !args.inputs) throw new Error('usage: node runtimes.mjs RUNTIME MODEL --inputs X.npy');
  return args;
}

// The stacked tensor as N views of one input each ([1, ...rest]).
function splitInputs(file) {
  const stacked = readNpy(file);
  const [count, ...rest] = stacked.shape;
  const size = stacked.data.length / count;
  const inputs = [];
  for (let i = 0; i < count; ++i) inputs.push(stacked.data.subarray(i * size, (i + 1) * size));
  return { dtype: stacked.dtype, shape: [1, ...rest], inputs };
}

// Warm-up on the first kWarmUp inputs, then `repeat` timed passes of runOne
// over every input.
const kWarmUp = 10;
async function time(inputs, repeat, runOne) {
  for (const input of inputs.slice(0, kWarmUp)) await runOne(input);
  const start = process.hrtime.bigint();
  for (let r = 0; r < repeat; ++r) for (const input of inputs) await runOne(input);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function onnxRuntime(args, data) {
  const ort = require('onnxruntime-node');
  const session = await ort.InferenceSession.create(args.model, {
    intraOpNumThreads: args.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const name = session.inputNames[0];
  return time(data.inputs, args.repeat, (x) => session.run({ [name]: new ort.Tensor(data.dtype, x, data.shape) }));
}

// The interpreter's Emscripten module, built for browsers only: handing it
// the .wasm bytes skips the fetch() it would otherwise make.
async function tfjsTflite(args, data) {
  const wasmDir = path.join(here, 'node_modules/@tensorflow/tfjs-tflite/wasm');
  const log = [];
  const wasm = await require(path.join(wasmDir, 'tflite_web_api_cc_simd.js'))({
    wasmBinary: fs.readFileSync(path.join(wasmDir, 'tflite_web_api_cc_simd.wasm')),
    print: (line) => log.push(line),
    printErr: (line) => log.push(line),
  });
  const bytes = fs.readFileSync(args.model);
  const pointer = wasm._malloc(bytes.length);  // must outlive the runner
  wasm.HEAPU8.set(bytes, pointer);
  const created = wasm.TFLiteWebModelRunner.CreateFromBufferAndOptions(pointer, bytes.length, {
    numThreads: 1,
    enableProfiling: false,
    maxProfilingBufferEntries: 1024,
  });
  if (!created.ok()) throw new Error(`${args.model}: ${created.errorMessage()} ${log.join('; ')}`);
  const runner = created.value();
  const inputs = runner.GetInputs();
  const input = inputs.get(0);
  return time(data.inputs, args.repeat, (x) => {
    input.data().set(x);
    if (!runner.Infer()) throw new Error(`inference failed: ${log.join('; ')}`);
  });
}

// LiteRT.js loads its Emscripten script the way a browser or a worker would
// (importScripts); these few globals let Node do the same.
async function liteRt(args, data) {
  const wasmDir = path.join(here, 'node_modules/@litertjs/core/wasm');
  globalThis.self = globalThis;
  globalThis.require = require;
  globalThis.__dirname = wasmDir;
  globalThis.importScripts = (url) =>
    vm.runInThisContext(fs.readFileSync(fileURLToPath(url), 'utf8'), { filename: String(url) });
  const { loadLiteRt, loadAndCompile, Tensor } = await import('@litertjs/core');
  await loadLiteRt(new URL(`file://${wasmDir}/litert_wasm_internal.js`).href);
  const model = await loadAndCompile(new Uint8Array(fs.readFileSync(args.model)), {
    accelerator: 'wasm',
    cpuOptions: { numThreads: 1 },
  });
  return time(data.inputs, args.repeat, async (x) => {
    const input = new Tensor(x, data.shape);
    const outputs = await model.run([input]);
    input.delete();
    for (const output of outputs) output.delete();
  });
}

const kRuntimes = { ort: onnxRuntime, 'tfjs-tflite': tfjsTflite, litert: liteRt };

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const run = kRuntimes[args.runtime];
  if (!run) throw new Error(`unknown runtime ${args.runtime} (${Object.keys(kRuntimes).join(', ')})`);
  const data = splitInputs(args.inputs);
  const seconds = await run(args, data);
  const images = data.inputs.length * args.repeat;
  const threads = args.runtime === 'ort' ? args.threads : 1;
  console.log(JSON.stringify({ runtime: args.runtime, images, seconds, threads, images_per_s: images / seconds }));
}

main().catch((error) => {
  process.stderr.write(`runtimes.mjs: ${String(error.message ?? error).split('\n')[0]}\n`);
  process.exit(1);
});
