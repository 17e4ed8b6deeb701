// public/embed.html, a plain page importing ./wgflow.js: built (vite preview) and from the dev server (`npm run dev`),
// which must serve the same library at the same paths, as one self-contained module.
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { createServer, type ViteDevServer } from 'vite';
import { CHAIN, MLP, chainReference, mlpReference } from '../scripts/examples';
import { moduleRequests } from './library_checks';

/** Opens embed.html under `base` and checks every number it shows against plain-JS references. */
async function checkEmbed(page: Page, base: string): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/embed.html`);
  await expect(page.locator('body[data-ready="true"]')).toBeVisible({ timeout: 30_000 });
  expect(errors).toEqual([]);
  await expect(page.locator('#backend')).toHaveText('webgpu');
  const shown = async (id: string) => JSON.parse((await page.locator(id).textContent()) ?? 'null');

  // The page shows its feeds; the references are computed from those, so page and test cannot drift apart.
  const x = (await shown('#chain-feed')) as number[];
  const rows = (await shown('#mlp-feed')) as number[][];
  expect(x).toEqual(CHAIN.feed);
  expect(rows).toEqual(MLP.feed);
  const chain = chainReference(x);
  for (const id of ['#eager', '#graph-chain']) {
    const values = (await shown(id)) as number[];
    expect(values).toHaveLength(chain.length);
    values.forEach((v, i) => expect(v, `${id}[${i}]`).toBeCloseTo(chain[i], 3));
  }
  const probs = (await shown('#graph-mlp')) as number[][];
  mlpReference(rows).forEach((row, i) => row.forEach((p, j) => expect(probs[i][j], `probs[${i}][${j}]`).toBeCloseTo(p, 3)));
  probs.forEach((row) => expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3));
}

test('embed.html (built) imports ./wgflow.js, runs the eager chain and both saved graphs on WebGPU', async ({ page, baseURL }) => {
  await checkEmbed(page, baseURL!);
  await page.screenshot({ path: 'test-results/embed.png', fullPage: true });
});

test.describe('npm run dev', () => {
  let server: ViteDevServer;
  test.beforeAll(async () => {
    const repo = fileURLToPath(new URL('..', import.meta.url));
    server = await createServer({
      configFile: `${repo}vite.config.ts`,
      root: `${repo}playground`,
      logLevel: 'warn',
      server: { port: 4181, strictPort: true, host: '127.0.0.1' },
    });
    await server.listen();
  });
  test.afterAll(() => server.close());
  const base = 'http://127.0.0.1:4181';

  test('serves wgflow.js as one self-contained module, its map and wgflow.d.ts, at the built paths', async () => {
    const js = await fetch(`${base}/wgflow.js`);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    const code = await js.text();
    expect(moduleRequests(code)).toEqual([]);
    expect(code).toContain('//# sourceMappingURL=wgflow.js.map');
    const map = (await (await fetch(`${base}/wgflow.js.map`)).json()) as { sources: string[] };
    expect(map.sources).toContain('../engine/index.ts');
    const dts = await (await fetch(`${base}/wgflow.d.ts`)).text();
    expect(dts).toMatch(/^export declare class Session\b/m);
  });

  test('embed.html works there too', async ({ page }) => {
    await checkEmbed(page, base);
  });
});
