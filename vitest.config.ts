// Test projects: `node` (codegen, CPU backend, pure logic) and `browser` (real WebGPU in headless Chromium).
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import { chromiumArgs, findChromium } from './scripts/chromium.mjs';

const chrome = findChromium();
const quick = process.env.WGFLOW_QUICK === '1';

// Values the browser-side tests read with `inject()` (they cannot see process.env).
const provide = {
  allowCpu: process.env.WGFLOW_ALLOW_CPU === '1',
  propertyRuns: Number(process.env.WGFLOW_PROPERTY_RUNS ?? (quick ? 15 : 60)),
  propertySeed: Number(process.env.WGFLOW_SEED ?? 20261126),
};

export default defineConfig({
  test: {
    provide,
    projects: [
      {
        test: {
          name: 'node',
          include: ['tests/node/**/*.test.ts'],
          environment: 'node',
          provide,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          setupFiles: ['tests/browser/setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          provide,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({ launchOptions: { executablePath: chrome ?? undefined, args: chromiumArgs } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        test: {
          name: 'bench',
          include: ['bench/**/*.bench.test.ts'],
          testTimeout: 300_000,
          provide,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({ launchOptions: { executablePath: chrome ?? undefined, args: chromiumArgs } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
