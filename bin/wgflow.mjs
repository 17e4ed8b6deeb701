#!/usr/bin/env node
// The wgflow command line: runs saved graphs in Node (WebGPU through Dawn when available, else the CPU) and
// prints what the adapter offers. `wgflow --help` for usage. Exit codes: 0 done, 1 the engine refused (a bad
// graph, bad feeds: the same errors as in the browser), 2 a usage error or an unreadable file.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { profileTable } from './format.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

const USAGE = `usage:
  wgflow run <graph.json> [--feed name=<file.json | JSON>]... [--fetch name]... [options]
  wgflow info [--json]

run: loads a graph saved with g.save() / g.toJSON() (the playground's "Save graph" too), feeds its
placeholders and prints the fetched values (default: the graph's named outputs).
  --feed name=value   a placeholder by name; value: a JSON file, or inline JSON ([[1,2],[3,4]], 3,
                      {"shape":[2,2],"data":[1,2,3,4]})
  --fetch name        an output or node name (repeatable)
  --device d          the default device: webgpu (the default when available) or cpu
  --clear-devices     ignore the devices the graph's nodes requested
  --soft-placement    ops WebGPU cannot take run on the CPU (logged)
  --profile           print every kernel and transfer with its time, and the totals
  --json              print {"outputs": …, "profile"?: …} as JSON
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

/** The engine: the built Node bundle, or (in a checkout without a build) the sources through Vite. */
async function loadEngine() {
  const built = resolve(HERE, '../dist/wgflow.node.js');
  if (existsSync(built)) return import(built);
  const source = resolve(HERE, '../engine/node.ts');
  if (!existsSync(source)) throw new UsageError('wgflow is not built: run `npm run build`');
  const { runnerImport } = await import('vite');
  return (await runnerImport(source, { configFile: false, root: resolve(HERE, '..'), logLevel: 'warn' })).module;
}

function parseArgs(argv) {
  const [command, ...rest] = argv;
  const opts = { command, positional: [], feeds: [], fetches: [], flags: new Set(), device: undefined };
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

/** name=value → [name, values]: a file if one exists at that path, else inline JSON. */
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
  // {"shape": [...], "data": [...]}: flat data with its shape, nested here.
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    if (!Array.isArray(value.shape) || !Array.isArray(value.data)) throw new UsageError(`feed "${name}": an object feed needs "shape" and "data" arrays`);
    value = nestFlat(value.data, value.shape, name);
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

async function run(wg, opts) {
  const [file, extra] = opts.positional;
  if (!file || extra) throw new UsageError('run: give exactly one graph file');
  if (opts.device) wg.setDefaultDevice(opts.device);
  const graph = wg.Graph.fromJSON(readJSON(file, 'graph'), { clearDevices: opts.flags.has('--clear-devices') });
  const feeds = Object.fromEntries(opts.feeds.map(parseFeed));
  const names = opts.fetches.length ? opts.fetches : [...graph.outputs.keys()];
  if (names.length === 0) throw new UsageError('run: the graph has no named outputs; say what to fetch with --fetch');
  const sess = new wg.Session(graph, { softPlacement: opts.flags.has('--soft-placement') });
  try {
    const fetches = Object.fromEntries(names.map((n) => [n, n]));
    const profiled = opts.flags.has('--profile');
    const result = await sess.run(fetches, feeds, { profile: profiled });
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
  const wg = await loadEngine();
  try {
    if (opts.command === 'info') await info(wg, opts.flags.has('--json'));
    else await run(wg, opts);
    return 0;
  } catch (e) {
    if (e instanceof wg.WgError) {
      console.error(`wgflow ${opts.command}: ${e.name}: ${e.message}`);
      return 1;
    }
    throw e;
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
