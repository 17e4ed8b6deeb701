// `npm test`: every test — typecheck, Node tests, WebGPU tests in headless Chromium, the same WebGPU tests
// in Node on Dawn (with the command-line tests), and e2e.
// `npm run test:quick` (--quick): the same with fewer property runs, no typecheck/e2e.
// `npm run test:node` (--node): typecheck, Node tests and the Dawn run only: no browser.
// Ends with one summary line "N passed, N failed" over all suites.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dawnEnv } from './dawn_env.mjs';
import { ensureChromium, ensureDependencies } from './ensure.mjs';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
ensureDependencies();
const chrome = ensureChromium();
const env = { ...process.env, CHROME_PATH: chrome, ...(quick ? { WGFLOW_QUICK: '1' } : {}) };
const started = Date.now();
let passed = 0;
let failed = 0;
let ok = true;

/** Runs a step (with `extraEnv` on top of `env`); a failing step fails the whole run. */
function run(label, cmd, cmdArgs, extraEnv = {}) {
  console.log(`\n[wgflow] ${label}: ${cmd} ${cmdArgs.join(' ')}`);
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', env: { ...env, ...extraEnv } });
  if (r.status !== 0) ok = false;
  return r.status === 0;
}

/** vitest over `projects`, its pass/fail counts added to the summary (from its JSON report, `file`). */
function vitestCounted(label, projects, file, extraEnv) {
  rmSync(file, { force: true });
  const reporters = ['--reporter=default', '--reporter=json', `--outputFile.json=${file}`];
  run(label, process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...projects.flatMap((p) => ['--project', p]), ...reporters], extraEnv);
  if (!existsSync(file)) return;
  const j = JSON.parse(readFileSync(file, 'utf8'));
  passed += j.numPassedTests;
  failed += j.numFailedTests;
}

/** The total time, the summary line (not for benchmarks), and the exit code. */
function finish(summary = true) {
  console.log(`\n[wgflow] ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (summary) console.log(`${passed} passed, ${failed} failed`);
  process.exit(ok && failed === 0 ? 0 : 1);
}

mkdirSync('.vitest', { recursive: true });
if (args.has('--bench')) {
  // Suite options (`npm run bench -- --workloads chain,matmul --sizes 256,1024 --repeats 10`, or env
  // WGFLOW_BENCH_WORKLOADS=… etc.) reach the browser as a JSON file the suite reads (bench/suite/options.ts).
  // With options only the suite runs; without, it runs with its defaults beside the internal benches.
  const options = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('WGFLOW_BENCH_') && v) options[k.slice(13).toLowerCase().replace(/_/g, '-')] = v;
  }
  // `--node`: wgflow's workloads in Node on Dawn too, after the browser suite (a flag, not an option).
  const node = args.has('--node');
  const argv = process.argv.slice(2).filter((a) => a !== '--bench' && a !== '--node');
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`bench: unexpected argument "${argv[i]}"`);
    options[m[1]] = m[2] ?? argv[++i] ?? '';
  }
  const optionsFile = 'bench/results/.options.json';
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(optionsFile, JSON.stringify(options));
  const only = Object.keys(options).length ? ['bench/suite.bench.test.ts'] : [];
  // Cold start imports wgflow as a page would: its bundle (the peers come pre-bundled too).
  run('library bundle (for cold start)', process.execPath, ['node_modules/vite/bin/vite.js', 'build', '-c', 'vite.lib.config.ts', '--logLevel', 'warn']);
  run('benchmarks', process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--project', 'bench', ...only]);
  if (node) run('benchmarks in Node on Dawn', process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--project', 'bench-node'], dawnEnv(env));
  rmSync(optionsFile, { force: true });
  finish(false);
}

if (!quick && !run('typecheck', process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json'])) failed++;

/** The WebGPU suites in Node on Dawn (and the command line), after building the Node bundles the CLI runs. */
function runDawn() {
  run('Node bundle (for the command line)', process.execPath, ['node_modules/vite/bin/vite.js', 'build', '-c', 'vite.node.config.ts', '--logLevel', 'warn']);
  // wgflow/tfjs's Node module (it imports the one above): `wgflow run model.json`.
  run('wgflow/tfjs Node bundle', process.execPath, ['node_modules/vite/bin/vite.js', 'build', '-c', 'vite.lib.config.ts', '--logLevel', 'warn'], { WGFLOW_BUILD: 'tfjs-node' });
  vitestCounted('WebGPU tests in Node on Dawn', ['dawn'], '.vitest/dawn.json', dawnEnv(env));
}

if (args.has('--node')) {
  // `npm run test:node`: the Node tests and the WebGPU suites on Dawn — no browser at all.
  vitestCounted('unit tests', ['node'], '.vitest/results.json');
  runDawn();
  finish();
}

vitestCounted('unit + WebGPU tests', ['node', 'browser'], '.vitest/results.json');
runDawn();

if (!quick) {
  rmSync('.vitest/e2e.json', { force: true });
  const e2eOk = run('e2e (Playwright)', process.execPath, ['node_modules/@playwright/test/cli.js', 'test']);
  if (existsSync('.vitest/e2e.json')) {
    const s = JSON.parse(readFileSync('.vitest/e2e.json', 'utf8')).stats;
    passed += s.expected;
    failed += s.unexpected + (s.flaky ?? 0);
  } else if (!e2eOk) failed++;
}

finish();
