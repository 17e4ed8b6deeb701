// Vite: serves and builds the site (playground/, every playground/*.html a page, public/ as static files) and,
// beside it, the embeddable library dist/wgflow.js + dist/wgflow.d.ts (vite.lib.config.ts), in dev and build alike.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
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

export default defineConfig({
  root: 'playground',
  publicDir: '../public',
  plugins: [wgflowLibrary()],
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
