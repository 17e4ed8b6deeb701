// Vite: serves and builds the playground (playground/), with public/ as static files.
import { defineConfig } from 'vite';

// Cross-origin isolation gives full-resolution performance.now() (100 µs otherwise) for timings.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: 'playground',
  publicDir: '../public',
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022', // the engine acquires the GPU with top-level await
  },
  server: { headers: isolation },
  preview: { headers: isolation },
});
