#!/usr/bin/env node
// The wgflow command line: runs saved graphs and TensorFlow.js graph models (model.json + shards) in Node (WebGPU
// through Dawn when available, else the CPU) and prints what the adapter offers. `wgflow --help` for usage. Exit
// codes: 0 done, 1 the engine refused (a bad graph or model, bad feeds: the same errors as in the browser), 2 a
// usage error or an unreadable file (a model's missing shard included).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { profileTable } from './format.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

const USAGE = `usage:
  wgflow run <graph.json | model.json> [--feed name=<file.json | JSON>]... [--fetch name]... [options]
  wgflow info [--json]

run: loads a graph saved with g.save() / g.toJSON() (the playground's "Save graph" too), or a TensorFlow.js
graph model (its model.json, the weight shards beside it), feeds its inputs and prints the fetched values
(default: the graph's named outputs, or the model's outputs).
  --feed name=value   a placeholder by name, or a model input by its signature name or node name; value: a
                      JSON file, or inline JSON ([[1,2],[3,4]], 3, {"shape":[2,2],"data":[1,2,3,4]}),
                      converted to the input's dtype (int32 inputs take integers)
                      (a model's input fed several times: one run per feed, in order, compiled once)
  --fetch name        an output or node name (repeatable); of a model, any node's output: node or node:1
  --mode m            graph (the default: a compiled plan) or eager (node by node: withMode('eager'))
  --device d          the default device: webgpu (the default when available) or cpu
  --clear-devices     ignore the devices the graph's nodes requested (saved graphs)
  --soft-placement    ops WebGPU cannot take run on the CPU, logged (saved graphs)
  --profile           print every kernel and transfer with its time, and the totals
  --json              print {"outputs": {name: nested array}, "profile"?: …} as JSON (a line per run)
info: the backend, adapter, limits and features.

WebGPU in Node needs the optional package \`webgpu\` (npm install webgpu@0.6.2) and a Vulkan driver; without
a GPU, VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json uses SwiftShader (Debian's chromium).`;

/** A usage error (with the usage printed after it) or, with `brief`, a file that cannot be used. */
class UsageError extends Error {
  constructor(message, brief = false) {
    super(message);
    this.brief = brief;
  }
}

const BUILT = { core: resolve(HERE, '../dist/wgflow.node.js'), tfjs: resolve(HERE, '../dist/wgflow-tfjs.node.js') };
const SOURCES = { core: resolve(HERE, '../engine/node.ts'), tfjs: resolve(HERE, '../engine/io/tfjs/index.ts') };

/**
 * The engine, and with `tfjs` the wgflow/tfjs entry on that same engine: { wg, tfjs, close }. The built Node
 * bundles (dist/wgflow-tfjs.node.js imports ./wgflow.node.js, the module imported here: one engine), or in a
 * checkout without a build (or with WGFLOW_CLI_SOURCES=1) the sources through one Vite module runner, importing
 * one module that re-exports both, so they share engine/index.ts. The runner stays open until `close`: the
 * importer reads model files through dynamic imports of node:fs.
 */
async function loadEngine(tfjs) {
  const useBuilt = process.env.WGFLOW_CLI_SOURCES !== '1' && existsSync(BUILT.core) && (!tfjs || existsSync(BUILT.tfjs));
  if (useBuilt) {
    const wg = await import(pathToFileURL(BUILT.core).href);
    return { wg, tfjs: tfjs ? await import(pathToFileURL(BUILT.tfjs).href) : undefined, close: async () => {} };
  }
  if (!existsSync(SOURCES.core) || (tfjs && !existsSync(SOURCES.tfjs))) {
    throw new UsageError(`wgflow is not built: run \`npm run build\` (${tfjs ? 'dist/wgflow-tfjs.node.js and ' : ''}dist/wgflow.node.js are missing)`, true);
  }
  const vite = await import('vite');
  const ID = 'virtual:wgflow-cli';
  const entry = `export * as wg from ${JSON.stringify(SOURCES.core)};\n${tfjs ? `export * as tfjs from ${JSON.stringify(SOURCES.tfjs)};\n` : ''}`;
  const plugin = { name: 'wgflow-cli-entry', resolveId: (id) => (id === ID ? `\0${ID}` : null), load: (id) => (id === `\0${ID}` ? entry : null) };
  // What vite's runnerImport does, without closing the runner after the first import.
  const config = await vite.resolveConfig(
    {
      configFile: false,
      envDir: false,
      root: resolve(HERE, '..'),
      logLevel: 'warn',
      plugins: [plugin],
      environments: { inline: { consumer: 'server', dev: { moduleRunnerTransform: true }, resolve: { external: true, mainFields: [], conditions: ['node'] } } },
    },
    'serve',
  );
  const env = vite.createRunnableDevEnvironment('inline', config, { runnerOptions: { hmr: { logger: false } }, hot: false });
  await env.init();
  try {
    const m = await env.runner.import(ID);
    return { wg: m.wg, tfjs: m.tfjs, close: () => env.close() };
  } catch (e) {
    await env.close();
    throw e;
  }
}

function parseArgs(argv) {
  const [command, ...rest] = argv;
  const opts = { command, positional: [], feeds: [], fetches: [], flags: new Set(), device: undefined, mode: 'graph' };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = () => {
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--feed') opts.feeds.push(value());
    else if (a === '--fetch') opts.fetches.push(value());
    else if (a === '--device') opts.device = value();
    else if (a === '--mode') {
      opts.mode = value();
      if (opts.mode !== 'graph' && opts.mode !== 'eager') throw new UsageError(`--mode ${opts.mode}: expected graph or eager`);
    }
    else if (['--profile', '--json', '--clear-devices', '--soft-placement'].includes(a)) opts.flags.add(a);
    else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else opts.positional.push(a);
  }
  return opts;
}

function readJSON(path, what) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${what}: cannot read ${path} (${e.code ?? e.message})`, true);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what}: ${path} is not valid JSON (${e.message})`, true);
  }
}

/** name=value → [name, values (nested arrays or a scalar), flat?]: a file if one exists at that path, else inline JSON. */
function parseFeed(spec) {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new UsageError(`--feed ${spec}: expected name=<file.json | JSON>`);
  const name = spec.slice(0, eq);
  const raw = spec.slice(eq + 1);
  let value;
  if (existsSync(raw)) value = readJSON(raw, `feed "${name}"`);
  else {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new UsageError(`feed "${name}": no file ${raw}, and not inline JSON either`);
    }
  }
  // {"shape": [...], "data": [...]}: flat data with its shape, nested here (and kept flat for a model's tensor).
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    if (!Array.isArray(value.shape) || !Array.isArray(value.data)) throw new UsageError(`feed "${name}": an object feed needs "shape" and "data" arrays`);
    const flat = { shape: value.shape, data: value.data };
    return [name, nestFlat(value.data, value.shape, name), flat];
  }
  return [name, value];
}

function nestFlat(data, shape, name) {
  const size = shape.reduce((p, d) => p * d, 1);
  if (data.length !== size) throw new UsageError(`feed "${name}": ${data.length} values do not fill shape [${shape.join(',')}]`);
  if (shape.length === 0) return data[0];
  let i = 0;
  const build = (d) => Array.from({ length: shape[d] }, () => (d === shape.length - 1 ? data[i++] : build(d + 1)));
  return build(0);
}

/** A fetched value (nested arrays, or a scalar) printed as wg.print prints a tensor's values. */
function formatNested(wg, value, dtype) {
  const shape = [];
  for (let v = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  const flat = Array.isArray(value) ? value.flat(Infinity) : [value];
  return wg.formatValues(flat.map(Number), shape, dtype);
}

async function info(wg, json) {
  const b = wg.backendInfo();
  if (json) return console.log(JSON.stringify(b, null, 2));
  const a = b.adapter;
  console.log(`backend   ${b.backend}${b.reason ? ` (${b.reason})` : ''}`);
  if (a) console.log(`adapter   ${a.description || a.device} (vendor ${a.vendor}, architecture ${a.architecture}${a.isFallbackAdapter ? ', fallback adapter' : ''})`);
  if (b.features.length) console.log(`features  ${b.features.join(', ')}`);
  const keys = Object.keys(b.limits).sort();
  if (keys.length) {
    console.log('limits');
    const w = Math.max(...keys.map((k) => k.length));
    for (const k of keys) console.log(`  ${k.padEnd(w)}  ${b.limits[k]}`);
  }
}

/** A TensorFlow.js model.json (graph or layers model: the importer explains the latter) rather than a saved graph. */
const isTfjsModel = (json) =>
  json !== null && typeof json === 'object' && !Array.isArray(json) && ('modelTopology' in json || json.format === 'graph-model' || json.format === 'layers-model');

/** Runs `fn` in the mode asked for: graph (as is: compiled plans) or eager (withMode('eager'): node by node). */
const inMode = (wg, opts, fn) => (opts.mode === 'eager' ? wg.withMode('eager', fn) : fn());

async function run(wg, opts, file, json) {
  if (opts.device) wg.setDefaultDevice(opts.device);
  const graph = wg.Graph.fromJSON(json, { clearDevices: opts.flags.has('--clear-devices') });
  const feeds = Object.fromEntries(opts.feeds.map((f) => parseFeed(f).slice(0, 2)));
  const names = opts.fetches.length ? opts.fetches : [...graph.outputs.keys()];
  if (names.length === 0) throw new UsageError('run: the graph has no named outputs; say what to fetch with --fetch');
  const sess = new wg.Session(graph, { softPlacement: opts.flags.has('--soft-placement') });
  try {
    const fetches = Object.fromEntries(names.map((n) => [n, n]));
    const profiled = opts.flags.has('--profile');
    const result = await inMode(wg, opts, () => sess.run(fetches, feeds, { profile: profiled }));
    const values = profiled ? result.values : result;
    if (opts.flags.has('--json')) {
      console.log(JSON.stringify({ outputs: values, ...(profiled ? { profile: result.profile } : {}) }));
      return;
    }
    for (const n of names) {
      const t = graph.lookup(n);
      console.log(`${n}: ${t.dtype} [${t.shape.map((d) => (d < 0 ? '?' : d)).join(',')}]`);
      console.log(formatNested(wg, values[n], t.dtype));
    }
    if (profiled) console.log(`\n${profileTable(result.profile)}`);
  } finally {
    sess.close();
    graph.dispose();
  }
}

/** A feed's values as a tensor of the model input's dtype: int32 inputs take integers, bool inputs booleans or 0/1. */
function feedTensor(wg, name, spec, value, flat) {
  const dtype = spec.dtype ?? 'float32';
  const values = flat ? flat.data : Array.isArray(value) ? value.flat(Infinity) : [value];
  const bad = values.findIndex((v) =>
    dtype === 'bool' ? !(typeof v === 'boolean' || v === 0 || v === 1) : typeof v !== 'number' || (dtype === 'int32' && !Number.isInteger(v)),
  );
  if (bad >= 0) {
    const want = dtype === 'bool' ? 'booleans (or 0/1)' : dtype === 'int32' ? 'integers' : 'numbers';
    throw new wg.DTypeError(`feed "${name}": the model's input "${spec.name}" is ${dtype}, so its values must be ${want}; value ${bad} is ${JSON.stringify(values[bad])}`);
  }
  const data = dtype === 'bool' ? values.map((v) => (v ? 1 : 0)) : values;
  return flat ? wg.tensor(data, flat.shape, dtype) : wg.tensor(dtype === 'bool' ? mapNested(value, (v) => (v ? 1 : 0)) : value, undefined, dtype);
}

const mapNested = (v, f) => (Array.isArray(v) ? v.map((e) => mapNested(e, f)) : f(v));
const describeInput = (i) => `"${i.name}" ${i.dtype ?? '?'} [${i.shape ? i.shape.map((d) => (d < 0 ? -1 : d)).join(',') : '?'}]`;

/**
 * A TensorFlow.js graph model: loaded with wgflow/tfjs's loadGraphModel(path), fed by input name, run with
 * executeAsync (models whose shapes depend on data too) for the model's outputs (by their signature names) or the
 * nodes of --fetch, in graph mode (a compiled plan) or eagerly. An input fed several times: one run per feed, in
 * order, in one process (the kernels compile once); an input fed once is the same in every run.
 */
async function runModel(wg, tfjs, opts, file) {
  for (const flag of ['--clear-devices', '--soft-placement']) {
    if (opts.flags.has(flag)) throw new UsageError(`run: ${flag} applies to saved graphs, not to TensorFlow.js models`, true);
  }
  const parsed = opts.feeds.map(parseFeed);
  if (opts.device) wg.setDefaultDevice(opts.device);
  const model = await tfjs.loadGraphModel(resolve(file));
  try {
    // The feeds of each input, by the input's name (the user may name it by its signature key or its node).
    const feeds = new Map(model.inputs.map((i) => [i.name, []]));
    for (const [name, value, flat] of parsed) {
      const spec = model.inputs.find((i) => i.name === name || i.tensor === name || i.tensor === `${name}:0`);
      if (!spec) throw new UsageError(`feed "${name}": the model has no input "${name}"; its inputs are ${model.inputs.map(describeInput).join(', ')}`, true);
      feeds.get(spec.name).push({ name, spec, value, flat });
    }
    const missing = model.inputs.filter((i) => feeds.get(i.name).length === 0);
    if (missing.length) {
      throw new UsageError(`run: no feed for the model's input${missing.length > 1 ? 's' : ''} ${missing.map(describeInput).join(', ')}; give --feed ${missing[0].name}=<file.json | JSON>`, true);
    }
    const runs = Math.max(...[...feeds.values()].map((f) => f.length));
    for (const [name, f] of feeds) {
      if (f.length !== 1 && f.length !== runs) throw new UsageError(`run: input "${name}" has ${f.length} feeds, another ${runs}: feed each input once, or once per run`, true);
    }
    const names = opts.fetches.length ? opts.fetches : model.outputs.map((o) => o.name);
    const tensors = opts.fetches.length ? opts.fetches : model.outputs.map((o) => o.tensor);
    const json = opts.flags.has('--json');
    const profiled = opts.flags.has('--profile');
    for (let r = 0; r < runs; r++) {
      const inputs = {};
      try {
        for (const [name, f] of feeds) {
          const { name: fed, spec, value, flat } = f.length === 1 ? f[0] : f[r];
          inputs[name] = feedTensor(wg, fed, spec, value, flat);
        }
        // The outputs and their values, read back inside the profiled span (the readback is part of the run).
        const body = async () => {
          const outs = [await inMode(wg, opts, () => model.executeAsync(inputs, tensors))].flat();
          try {
            if (outs.some((t) => !(t instanceof wg.Tensor))) throw new Error('wgflow: the model returned tensors of another engine (wgflow/tfjs and wgflow loaded twice)');
            const values = await Promise.all(outs.map((t) => (json ? t.array() : t.data())));
            return outs.map((t, k) => ({ name: names[k], dtype: t.dtype, shape: [...t.shape], values: values[k] }));
          } finally {
            outs.forEach((t) => t instanceof wg.Tensor && t.dispose());
          }
        };
        const { result, profile } = profiled ? await wg.profile(body) : { result: await body() };
        if (json) {
          // One line per run.
          console.log(JSON.stringify({ outputs: Object.fromEntries(result.map((o) => [o.name, o.values])), ...(profiled ? { profile } : {}) }));
          continue;
        }
        if (runs > 1) console.log(`${r > 0 ? '\n' : ''}run ${r + 1} of ${runs}`);
        for (const o of result) {
          console.log(`${o.name}: ${o.dtype} [${o.shape.join(',')}]`);
          console.log(wg.formatValues(Array.from(o.values, Number), o.shape, o.dtype));
        }
        if (profiled) console.log(`\n${profileTable(profile)}`);
      } finally {
        Object.values(inputs).forEach((t) => t.dispose());
      }
    }
  } finally {
    model.dispose();
  }
}

/**
 * An error's message without the "(at file:line:column)" the engine appends when that line is in this package
 * (dist/wgflow-tfjs.node.js, engine/io: the command line has no user code, so no line of the user's to point at).
 */
function withoutOwnLocation(e) {
  const l = e.location;
  if (!l) return e.message;
  const suffix = ` (at ${l.file}:${l.line}:${l.column})`;
  const own = resolve(String(l.file).replace(/^file:\/\//, '')).startsWith(`${resolve(HERE, '..')}/`);
  return own && e.message.endsWith(suffix) ? e.message.slice(0, -suffix.length) : e.message;
}

async function main(argv) {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    console.log(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version') {
    console.log(JSON.parse(readFileSync(resolve(HERE, '../package.json'), 'utf8')).version);
    return 0;
  }
  const opts = parseArgs(argv);
  if (opts.command !== 'run' && opts.command !== 'info') throw new UsageError(`unknown command "${opts.command}"`);
  let file;
  let json;
  if (opts.command === 'run') {
    if (opts.positional.length !== 1) throw new UsageError('run: give exactly one graph or model file');
    file = opts.positional[0];
    json = readJSON(file, 'graph');
  }
  const model = opts.command === 'run' && isTfjsModel(json);
  const { wg, tfjs, close } = await loadEngine(model);
  try {
    if (opts.command === 'info') await info(wg, opts.flags.has('--json'));
    else if (model) await runModel(wg, tfjs, opts, file);
    else await run(wg, opts, file, json);
    return 0;
  } catch (e) {
    if (e instanceof wg.WgError) {
      console.error(`wgflow ${opts.command}: ${e.name}: ${withoutOwnLocation(e)}`);
      // A model file that cannot be read (a missing shard) is an unreadable file, like a missing graph file.
      return e.name === 'ModelFetchError' ? 2 : 1;
    }
    throw e;
  } finally {
    await close();
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e) => {
    if (e instanceof UsageError) {
      console.error(e.brief ? `wgflow: ${e.message}` : `wgflow: ${e.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else {
      console.error(e);
      process.exitCode = 1;
    }
  },
);
