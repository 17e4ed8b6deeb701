// wgflow for Node: engine/node.ts bundled into dist/wgflow.node.js (one ES module, not minified, with a source
// map). The same engine as dist/wgflow.js, plus the Dawn provider; `webgpu` stays an import that Node resolves.
// `vite build -c vite.node.config.ts` (part of `npm run build`, and of prepack).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
const { version } = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string };

export default defineConfig({
  root: ROOT,
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: resolve(ROOT, 'dist'),
    emptyOutDir: false, // the site and the browser library live there too
    copyPublicDir: false,
    target: 'node20',
    sourcemap: true,
    minify: false,
    reportCompressedSize: false,
    lib: { entry: resolve(ROOT, 'engine/node.ts'), formats: ['es'], fileName: () => 'wgflow.node.js' },
    rolldownOptions: {
      external: ['webgpu', /^node:/],
      output: { codeSplitting: false, postBanner: `/*! wgflow ${version} (Node) | MIT */` },
    },
  },
});
