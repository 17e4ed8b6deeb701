// e2e: Playwright against the built site (vite build: the playground, public/ with embed.html, and the library
// dist/wgflow.js + .d.ts; then vite preview), in Debian's Chromium.
import { defineConfig } from '@playwright/test';
import { chromiumArgs, findChromium } from './scripts/chromium.mjs';

const port = 4179;
/** The same built site from a plain static server that sends no CORS (or COOP/COEP) headers. */
export const staticPort = 4180;
export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  reporter: [['list'], ['json', { outputFile: '.vitest/e2e.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: { executablePath: findChromium() ?? undefined, args: chromiumArgs },
  },
  webServer: [
    {
      command: `node node_modules/vite/bin/vite.js build && node node_modules/vite/bin/vite.js preview --port ${port} --strictPort --host 127.0.0.1`,
      url: `http://127.0.0.1:${port}`,
      timeout: 180_000,
      reuseExistingServer: false,
    },
    {
      // Started after the build above (web servers start in order, each waiting for its URL).
      command: `node scripts/static_server.mjs dist ${staticPort}`,
      url: `http://127.0.0.1:${staticPort}/index.html`,
      timeout: 30_000,
      reuseExistingServer: false,
    },
  ],
});
