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

function run(label, cmd, cmdArgs) {
  console.log(`\n[wgflow] ${label}: ${cmd} ${cmdArgs.join(' ')}`);
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', env });
  if (r.status !== 0) ok = false;
  return r.status === 0;
}

function countVitest(file) {
  if (!existsSync(file)) return;
  const j = JSON.parse(readFileSync(file, 'utf8'));
  passed += j.numPassedTests;
  failed += j.numFailedTests;
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
  if (node) {
    console.log('\n[wgflow] benchmarks in Node on Dawn');
    const r = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--project', 'bench-node'], { stdio: 'inherit', env: { ...env, ...dawnEnv(env) } });
    if (r.status !== 0) ok = false;
  }
  rmSync(optionsFile, { force: true });
  console.log(`\n[wgflow] ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.exit(ok ? 0 : 1);
}

if (!quick && !run('typecheck', process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json'])) failed++;

/** The WebGPU suites in Node on Dawn (and the command line), after building the Node bundle the CLI runs. */
function runDawn() {
  run('Node bundle (for the command line)', process.execPath, ['node_modules/vite/bin/vite.js', 'build', '-c', 'vite.node.config.ts', '--logLevel', 'warn']);
  rmSync('.vitest/dawn.json', { force: true });
  const dawn = spawnSync(process.execPath, [
    'node_modules/vitest/vitest.mjs', 'run', '--project', 'dawn', '--reporter=default', '--reporter=json', '--outputFile.json=.vitest/dawn.json',
  ], { stdio: 'inherit', env: { ...env, ...dawnEnv(env) } });
  console.log('\n[wgflow] WebGPU tests in Node on Dawn (above)');
  if (dawn.status !== 0) ok = false;
  countVitest('.vitest/dawn.json');
}

if (args.has('--node')) {
  // `npm run test:node`: the Node tests and the WebGPU suites on Dawn — no browser at all.
  rmSync('.vitest/results.json', { force: true });
  run('unit tests', process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--project', 'node', '--reporter=default', '--reporter=json', '--outputFile.json=.vitest/results.json']);
  countVitest('.vitest/results.json');
  runDawn();
  console.log(`\n[wgflow] ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(ok && failed === 0 ? 0 : 1);
}

rmSync('.vitest/results.json', { force: true });
run('unit + WebGPU tests', process.execPath, [
  'node_modules/vitest/vitest.mjs', 'run', '--project', 'node', '--project', 'browser',
  '--reporter=default', '--reporter=json', '--outputFile.json=.vitest/results.json',
]);
countVitest('.vitest/results.json');
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

console.log(`\n[wgflow] ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);
