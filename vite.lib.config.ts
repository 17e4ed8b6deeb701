// The embeddable library: engine/index.ts bundled into wgflow.js (one self-contained, minified ES module with a
// source map) and wgflow.d.ts (one declaration file). `vite build -c vite.lib.config.ts` builds it alone into dist/;
// the `wgflowLibrary()` plugin (used by vite.config.ts) builds it after the site (with the Node module of
// vite.node.config.ts), and serves the same files in dev.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { generateDtsBundle } from 'dts-bundle-generator';
import ts from 'typescript';
import { build, defineConfig, type Connect, type InlineConfig, type Plugin, type Rolldown, type UserConfig } from 'vite';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
const ENTRY = resolve(ROOT, 'engine/index.ts');
const ENGINE_DIR = resolve(ROOT, 'engine');
const TSCONFIG = resolve(ROOT, 'tsconfig.json');

/** The library's files and their types; served at the site's root in dev and preview, as in dist/. */
const FILES = {
  'wgflow.js': 'text/javascript; charset=utf-8',
  'wgflow.js.map': 'application/json; charset=utf-8',
  'wgflow.d.ts': 'text/plain; charset=utf-8',
  // wgflow/tfjs beside it (the playground posts it into its frame for snippets that import it).
  'wgflow-tfjs.js': 'text/javascript; charset=utf-8',
  'wgflow-tfjs.js.map': 'application/json; charset=utf-8',
} as const;
type LibraryFile = keyof typeof FILES;

const { version } = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string };
const JS_BANNER = `/*! wgflow ${version} | MIT */`;
const DTS_BANNER = `// wgflow ${version}: the declarations of wgflow.js, bundled from engine/index.ts.\n`;

// Error classes take their `name` from the class (ShapeError, …): minification must not rename classes.
const KEEP_CLASS_NAMES = { function: false, class: true };

/**
 * The library build. `dev`: unminified and kept in memory (the dev server serves it); `outDir`: where the
 * files go (the site's output folder, so both land side by side).
 */
function libraryConfig({ dev = false, outDir = resolve(ROOT, 'dist') } = {}): UserConfig {
  return {
    root: ROOT,
    publicDir: false, // public/ belongs to the site build
    logLevel: 'warn',
    plugins: dev ? [] : [declarations(outDir)],
    build: {
      outDir,
      emptyOutDir: false, // never wipe the site beside it (the site build empties dist/ before this runs)
      copyPublicDir: false,
      target: 'es2022', // the engine acquires the GPU with top-level await
      sourcemap: true,
      write: !dev,
      reportCompressedSize: false, // e2e/library.spec.ts measures and bounds the gzipped size
      lib: { entry: ENTRY, formats: ['es'], fileName: () => 'wgflow.js' },
      rolldownOptions: {
        output: {
          codeSplitting: false, // one module, whatever the engine imports: no second chunk, ever
          // Vite keeps whitespace in ES libraries; this file is loaded as is by browsers, so minify fully.
          minify: dev ? false : { compress: { keepNames: KEEP_CLASS_NAMES }, mangle: { keepNames: KEEP_CLASS_NAMES }, codegen: true },
          postBanner: JS_BANNER, // after minification, so it survives it
        },
        checks: { pluginTimings: false }, // the declaration bundling is slow by nature: no warning about it
      },
    },
  };
}

/** Vite's `build()` argument: this file describes the whole build, so no config file is loaded. */
function libraryBuild(options: { dev?: boolean; outDir?: string }): InlineConfig {
  return { ...libraryConfig(options), configFile: false };
}

// ---- declarations ----
// dts-bundle-generator with the repository's compiler options. Only what engine/index.ts exports is exported
// (exportReferencedTypes: false): the declarations are exactly the public surface, nothing deeper.

const DTS_ENTRIES = [{ filePath: ENTRY, output: { noBanner: true, exportReferencedTypes: false } }];
const DTS_OPTIONS = { preferredConfigPath: TSCONFIG };

/** Writes wgflow.d.ts next to wgflow.js once the bundle is written (a few seconds of TypeScript). */
function declarations(outDir: string): Plugin {
  return {
    name: 'wgflow-declarations',
    writeBundle() {
      writeFileSync(resolve(outDir, 'wgflow.d.ts'), DTS_BANNER + generateDtsBundle(DTS_ENTRIES, DTS_OPTIONS)[0]);
    },
  };
}

/** The same in a worker thread, for the dev server: its event loop keeps serving while TypeScript works. */
function declarationsInWorker(): Promise<string> {
  const code = `
    const { parentPort, workerData: w } = require('node:worker_threads');
    parentPort.postMessage(require(w.bundler).generateDtsBundle(w.entries, w.options)[0]);`;
  const bundler = fileURLToPath(import.meta.resolve('dts-bundle-generator'));
  return new Promise((done, fail) => {
    const w = new Worker(code, { eval: true, workerData: { bundler, entries: DTS_ENTRIES, options: DTS_OPTIONS } });
    w.once('message', (dts: string) => done(DTS_BANNER + dts));
    w.once('error', fail);
    w.once('exit', (code) => fail(new Error(`declaration bundling exited with code ${code}`))); // no-op after done
  });
}

/** The in-memory dev build: wgflow.js (with its sourceMappingURL comment) and wgflow.js.map. */
async function bundleInMemory(): Promise<Record<'wgflow.js' | 'wgflow.js.map', string>> {
  const results = [await build(libraryBuild({ dev: true }))].flat() as Rolldown.RolldownOutput[];
  const files = new Map(results.flatMap((r) => r.output).map((o) => [o.fileName, o.type === 'chunk' ? o.code : String(o.source)]));
  if (files.size !== 2 || !files.has('wgflow.js') || !files.has('wgflow.js.map')) {
    throw new Error(`wgflow library: expected wgflow.js and its map, got ${[...files.keys()].join(', ')}`);
  }
  return { 'wgflow.js': files.get('wgflow.js')!, 'wgflow.js.map': files.get('wgflow.js.map')! };
}

// ---- wgflow/tfjs ----
// The TensorFlow.js model importer is its own entry: dist/wgflow-tfjs.js (browser, minified) and
// dist/wgflow-tfjs.node.js. engine/io reaches the engine only through engine/index.ts (tests/node/layering.test.ts),
// and that import is rewritten to the core module beside it ('./wgflow.js', './wgflow.node.js'): one engine in a
// page, never a second copy. Its declarations are TypeScript's own, per file, under dist/tfjs/, importing wgflow.d.ts.

const TFJS_ENTRY = resolve(ROOT, 'engine/io/tfjs/index.ts');
const CORE = resolve(ROOT, 'engine/index');

/** Resolves the importer's import of engine/index.ts to `core` (the built core module beside it), external. */
function coreImport(core: string): Plugin {
  return {
    name: 'wgflow-core-import',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!importer || !source.startsWith('.')) return null;
      return resolve(dirname(importer), source).replace(/\.ts$/, '') === CORE ? { id: core, external: true } : null;
    },
  };
}

/** The importer's build: `node` gives the unminified Node module importing wgflow.node.js. */
function tfjsBuild(outDir: string, node: boolean): InlineConfig {
  return ioEntryBuild({ entry: TFJS_ENTRY, name: 'tfjs', what: 'TensorFlow.js graph models', outDir, node });
}

/**
 * The build of an engine/io entry (wgflow/tfjs, wgflow/onnx) as dist/wgflow-<name>.js, or with `node` the
 * unminified dist/wgflow-<name>.node.js; its import of engine/index.ts is the core module beside it. `external`:
 * packages the Node module imports instead of bundling (dependencies of the package).
 */
function ioEntryBuild({ entry, name, what, outDir, node, external = [] }: { entry: string; name: string; what: string; outDir: string; node: boolean; external?: string[] }): InlineConfig {
  const file = node ? `wgflow-${name}.node.js` : `wgflow-${name}.js`;
  const packages = external.map((p) => new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(/|$)`));
  return {
    configFile: false,
    root: ROOT,
    publicDir: false,
    logLevel: 'warn',
    plugins: [coreImport(node ? './wgflow.node.js' : './wgflow.js')],
    build: {
      outDir,
      emptyOutDir: false,
      copyPublicDir: false,
      target: node ? 'node20' : 'es2022',
      sourcemap: true,
      reportCompressedSize: false,
      lib: { entry, formats: ['es'], fileName: () => file },
      rolldownOptions: {
        external: [/^node:/, ...(node ? packages : [])], // wgflow/tfjs's load.ts reads files in Node through a dynamic import of node:fs/promises
        output: {
          codeSplitting: false,
          minify: node ? false : { compress: { keepNames: KEEP_CLASS_NAMES }, mangle: { keepNames: KEEP_CLASS_NAMES }, codegen: true },
          postBanner: `/*! wgflow ${version} | ${what}${node ? ' (Node)' : ''} | MIT */`,
        },
      },
    },
  };
}

/** dist/tfjs/*.d.ts (TypeScript's declarations of engine/io/tfjs, the core import → wgflow.d.ts) and dist/wgflow-tfjs.d.ts. */
function tfjsDeclarations(outDir: string): void {
  ioDeclarations(outDir, TFJS_ENTRY, 'tfjs');
}

/** dist/<name>/*.d.ts (TypeScript's declarations of engine/io/<name>, the core import → wgflow.d.ts) and dist/wgflow-<name>.d.ts. */
function ioDeclarations(outDir: string, entry: string, name: string): void {
  const config = ts.getParsedCommandLineOfConfigFile(TSCONFIG, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!config) throw new Error(`wgflow/${name} declarations: cannot read tsconfig.json`);
  const options: ts.CompilerOptions = { ...config.options, declaration: true, emitDeclarationOnly: true, noEmit: false, outDir: undefined, declarationDir: undefined, rootDir: undefined, sourceMap: false, declarationMap: false };
  const program = ts.createProgram([entry], options);
  const io = resolve(ROOT, 'engine/io', name);
  const into = resolve(outDir, name);
  rmSync(into, { recursive: true, force: true });
  const result = program.emit(undefined, (fileName, text) => {
    const source = resolve(ROOT, fileName.replace(/\.d\.ts$/, '.ts'));
    if (!source.startsWith(io + sep)) return; // only the importer's own files
    const target = resolve(into, relative(io, source).replace(/\.ts$/, '.d.ts'));
    const core = relative(dirname(target), resolve(outDir, 'wgflow.js')).split(sep).join('/');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text.replace(/(from\s+|import\()(['"])(\.\.\/)+index\2/g, (_m, head, q) => `${head}${q}${core}${q}`));
  }, undefined, true);
  const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) throw new Error(`wgflow/${name} declarations: ${ts.formatDiagnostics(errors, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' })}`);
  writeFileSync(resolve(outDir, `wgflow-${name}.d.ts`), `// wgflow ${version}: the declarations of wgflow-${name}.js (engine/io/${name}).\nexport * from './${name}/index.js';\n`);
}

/** The dev server's wgflow-tfjs.js (unminified) and its map, in memory, as bundleInMemory does the core. */
async function bundleTfjsInMemory(): Promise<Record<'wgflow-tfjs.js' | 'wgflow-tfjs.js.map', string>> {
  const config = tfjsBuild(resolve(ROOT, 'dist'), false);
  const output = { ...(config.build!.rolldownOptions!.output as object), minify: false };
  config.build = { ...config.build, write: false, rolldownOptions: { ...config.build!.rolldownOptions, output } };
  const results = [await build(config)].flat() as Rolldown.RolldownOutput[];
  const files = new Map(results.flatMap((r) => r.output).map((o) => [o.fileName, o.type === 'chunk' ? o.code : String(o.source)]));
  if (!files.has('wgflow-tfjs.js') || !files.has('wgflow-tfjs.js.map')) throw new Error(`wgflow/tfjs: expected wgflow-tfjs.js and its map, got ${[...files.keys()].join(', ')}`);
  return { 'wgflow-tfjs.js': files.get('wgflow-tfjs.js')!, 'wgflow-tfjs.js.map': files.get('wgflow-tfjs.js.map')! };
}

/** The dev server's wgflow-tfjs.d.ts and tfjs/*.d.ts (the playground's editor reads them), written to a cache folder. */
const DEV_TFJS_TYPES = resolve(ROOT, 'node_modules/.wgflow-dev');

/** Builds wgflow/tfjs (browser and Node modules, declarations) into `outDir`, beside the core. */
export async function buildTfjs(outDir: string): Promise<void> {
  await build(tfjsBuild(outDir, false));
  await build(tfjsBuild(outDir, true));
  tfjsDeclarations(outDir);
}

// ---- wgflow/onnx ----
// The ONNX exporter, packaged like wgflow/tfjs: dist/wgflow-onnx.js (browser, minified, protobufjs's minimal writer
// bundled), dist/wgflow-onnx.node.js (importing protobufjs, a dependency of the package), dist/onnx/*.d.ts.

const ONNX_ENTRY = resolve(ROOT, 'engine/io/onnx/index.ts');

function onnxBuild(outDir: string, node: boolean): InlineConfig {
  return ioEntryBuild({ entry: ONNX_ENTRY, name: 'onnx', what: 'ONNX export', outDir, node, external: ['protobufjs'] });
}

/** Builds wgflow/onnx (browser and Node modules, declarations) into `outDir`, beside the core. */
export async function buildOnnx(outDir: string): Promise<void> {
  await build(onnxBuild(outDir, false));
  await build(onnxBuild(outDir, true));
  ioDeclarations(outDir, ONNX_ENTRY, 'onnx');
}

// ---- serving ----

/**
 * Sends a library file with the headers a CDN would use: its MIME type (browsers refuse a module script of any
 * other type), and CORS + CORP so pages on other origins, cross-origin isolated ones included, may import it.
 */
function send(res: ServerResponse, name: LibraryFile, body: string): void {
  res.setHeader('Content-Type', FILES[name]);
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  res.setHeader('Cache-Control', 'no-cache');
  res.end(body);
}

/** A middleware serving the library files under `base` from `read` (undefined: not there, a 404). */
function libraryMiddleware(base: string, read: (name: LibraryFile) => Promise<string | undefined>): Connect.NextHandleFunction {
  return (req, res, next) => {
    const path = (req.url ?? '').replace(/[?#].*$/, '');
    const name = path.startsWith(base) ? path.slice(base.length) : '';
    if (!(name in FILES)) return next();
    read(name as LibraryFile).then(
      (body) => (body === undefined ? next() : send(res, name as LibraryFile, body)),
      (e: Error) => next(e),
    );
  };
}

/**
 * The library beside the site. `vite build`: builds it into the site's output folder after the site (which
 * emptied that folder first). `vite` (dev): serves wgflow.js, its map and wgflow.d.ts from memory, built on
 * first request and again after an engine file changes; one bundled module, as in production (the playground
 * fetches its text and imports it from a Blob URL). `vite preview`: serves the built files with the same headers.
 */
export function wgflowLibrary(): Plugin {
  let outDir = '';
  const js = cached(bundleInMemory);
  const dts = cached(declarationsInWorker);
  const tfjs = cached(bundleTfjsInMemory);
  const tfjsTypes = cached(async () => tfjsDeclarations(DEV_TFJS_TYPES));
  return {
    name: 'wgflow-library',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    async writeBundle() {
      await build(libraryBuild({ outDir }));
      // And the Node module beside it (vite.node.config.ts), and wgflow/tfjs: `vite build` gives every file `npm pack` ships.
      await build({ configFile: resolve(ROOT, 'vite.node.config.ts'), build: { outDir } });
      await buildTfjs(outDir);
      await buildOnnx(outDir);
    },
    configureServer(server) {
      server.watcher.add(ENGINE_DIR);
      server.watcher.on('all', (_event, file) => {
        if (!file.startsWith(ENGINE_DIR + sep)) return;
        js.invalidate();
        dts.invalidate();
        tfjs.invalidate();
        tfjsTypes.invalidate();
      });
      const read = async (name: LibraryFile) =>
        name === 'wgflow.d.ts' ? dts.get() : name === 'wgflow-tfjs.js' || name === 'wgflow-tfjs.js.map' ? (await tfjs.get())[name] : (await js.get())[name];
      server.middlewares.use(libraryMiddleware(server.config.base, read));
      // wgflow/tfjs's declarations: wgflow-tfjs.d.ts and tfjs/**/*.d.ts, made on first request.
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').replace(/[?#].*$/, '').slice(server.config.base.length);
        if (path !== 'wgflow-tfjs.d.ts' && !/^tfjs\/[\w/]+\.d\.ts$/.test(path)) return next();
        tfjsTypes.get().then(() => {
          const file = resolve(DEV_TFJS_TYPES, path);
          if (!existsSync(file)) return next();
          res.setHeader('Content-Type', 'text/plain; charset=utf-8');
          res.setHeader('Cache-Control', 'no-cache');
          res.end(readFileSync(file, 'utf8'));
        }, (e: Error) => next(e));
      });
    },
    configurePreviewServer(server) {
      const read = async (name: LibraryFile) => {
        const file = resolve(outDir, name);
        return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
      };
      server.middlewares.use(libraryMiddleware(server.config.base, read));
    },
  };
}

/** A value made on first use and kept until invalidated; a failure is not kept (the next use tries again). */
function cached<T>(make: () => Promise<T>): { get(): Promise<T>; invalidate(): void } {
  let value: Promise<T> | undefined;
  return {
    get() {
      if (value) return value;
      const made = make();
      made.catch(() => value === made && (value = undefined));
      return (value = made);
    },
    invalidate() {
      value = undefined;
    },
  };
}

// `WGFLOW_BUILD=tfjs-node vite build -c vite.lib.config.ts`: only dist/wgflow-tfjs.node.js, the importer's Node module
// (scripts/test.mjs builds it beside vite.node.config.ts's core module, for the command line's tests);
// `WGFLOW_BUILD=onnx-node`: only dist/wgflow-onnx.node.js, likewise.
const ONLY: Record<string, () => InlineConfig> = {
  'tfjs-node': () => tfjsBuild(resolve(ROOT, 'dist'), true),
  'onnx-node': () => onnxBuild(resolve(ROOT, 'dist'), true),
};
export default defineConfig(ONLY[process.env.WGFLOW_BUILD ?? '']?.() ?? libraryConfig());
