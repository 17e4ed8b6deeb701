// Shared by start.mjs and test.mjs: installs npm dependencies and finds (or installs) Chromium.
// Uses only Node built-ins, so it runs on a fresh clone before `npm ci`.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findChromium } from './chromium.mjs';

export function ensureDependencies() {
  if (existsSync('node_modules/.package-lock.json') && existsSync('node_modules/vitest')) return;
  console.log('[wgflow] installing npm dependencies (npm ci)…');
  execSync(existsSync('package-lock.json') ? 'npm ci' : 'npm install', { stdio: 'inherit' });
}

const APT = 'apt-get update && apt-get install -y chromium';

/** Returns Chromium's path; installs Debian's package when running as root, else explains how. */
export function ensureChromium() {
  let path = findChromium();
  if (path) return path;
  if (process.env.CHROME_PATH) {
    console.error(`[wgflow] CHROME_PATH=${process.env.CHROME_PATH} does not exist.`);
    process.exit(1);
  }
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && existsSync('/usr/bin/apt-get')) {
    console.log(`[wgflow] no Chromium found; installing it: ${APT}`);
    execSync(APT, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    path = findChromium();
    if (path) return path;
  }
  console.error(
    '[wgflow] The tests need Chromium (WebGPU runs in headless Chromium). Install it with:\n' +
      `  sudo sh -c '${APT}'\n` +
      'or point CHROME_PATH at a Chrome/Chromium binary.',
  );
  process.exit(1);
}
