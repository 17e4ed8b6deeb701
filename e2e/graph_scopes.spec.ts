// The Graph panel groups a network by name scope (wg.nameScope): a snippet of nested scopes (~290 nodes) starts
// collapsed at a readable level in graph and eager mode, a scope opens on click (its sub-scopes collapsed),
// names and counts are shown, and fused kernels stay boxes of their own inside open scopes.
import { expect, test, type Page } from '@playwright/test';
import { finished, graphReady, open, setMode, tab } from './helpers';

const SHOTS = 'test-results/graph-scopes';

/** 8 blocks × 4 layers, each layer a dense layer with a residual and a centring step (9 nodes). */
const NET = `// A network built in nested name scopes.
let y = wg.tensor(Array.from({ length: 64 }, (_, i) => Math.sin(i) * 0.5), [4, 16]);
wg.nameScope('net', () => {
  for (let b = 0; b < 8; b++) {
    wg.nameScope(\`block\${b}\`, () => {
      for (let l = 0; l < 4; l++) {
        y = wg.nameScope(\`layer\${l}\`, () => {
          const w = wg.tensor(Array.from({ length: 256 }, (_, i) => Math.cos(i + 7 * l + b) * 0.1), [16, 16]);
          const bias = wg.tensor(Array.from({ length: 16 }, (_, i) => i / 160 - 0.05));
          const h = wg.relu(wg.matMul(y, w).add(bias)).mul(0.5).add(y);
          return h.sub(h.mean(-1, true));
        });
      }
    });
  }
});
print((await y.sum().data())[0].toFixed(4));
`;

const panel = (page: Page) => page.getByTestId('graph-panel');
const units = (page: Page) => page.locator('[data-testid="graph-node"]');
const scopeUnits = (page: Page) => page.locator('[data-testid="graph-node"][data-type="group"][data-kind="scope"]');
const openScopes = (page: Page) => page.locator('[data-testid="graph-group"][data-kind="scope"]');

async function run(page: Page, mode: 'Eager' | 'Graph') {
  await setMode(page, mode);
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(NET);
  await page.getByRole('button', { name: '▶ Run' }).click();
  expect(await finished(page)).toBe('done');
  await tab(page, 'Graph');
  await graphReady(page);
}

/** The overview: the 8 blocks collapsed inside the open 'net' scope, each naming itself and its node count. */
async function checkOverview(page: Page, perBlock: RegExp) {
  await expect(scopeUnits(page)).toHaveCount(8);
  expect(await units(page).count()).toBeLessThanOrEqual(30);
  await expect(openScopes(page)).toHaveCount(1);
  await expect(openScopes(page)).toHaveAttribute('data-label', 'net');
  const first = scopeUnits(page).first();
  await expect(first.locator('.gv-title')).toHaveText(/^block\d$/);
  await expect(first.locator('.gv-sub')).toHaveText(perBlock);
  await expect(first.locator('title')).toContainText(/name scope net\/block\d/);
}

/** Opens block3, then its layer2: sub-scopes first (collapsed), then the layer's nodes. */
async function expand(page: Page, shot: string) {
  const block = page.locator('[data-testid="graph-node"][data-kind="scope"]', { hasText: 'block3' });
  await block.locator('[data-toggle]').click();
  await graphReady(page);
  await expect(openScopes(page)).toHaveCount(2);
  await expect(page.locator('[data-testid="graph-group"][data-label="block3"]')).toBeVisible();
  await expect(scopeUnits(page)).toHaveCount(7 + 4);
  const layer = page.locator('[data-testid="graph-node"][data-kind="scope"]', { hasText: 'layer2' }).first();
  await expect(layer.locator('.gv-sub')).toHaveText(/^9 ops/);
  await page.screenshot({ path: `${SHOTS}-${shot}-block.png` });
  await layer.locator('[data-toggle]').click();
  await graphReady(page);
  const box = page.locator('[data-testid="graph-group"][data-label="layer2"]');
  await expect(box).toHaveAttribute('data-members', '9');
  await page.screenshot({ path: `${SHOTS}-${shot}-layer.png` });
  // Closing the block (its header's − button) hides the layer again.
  await page.getByTestId('fit').click();
  await page.locator('[data-testid="graph-group"][data-label="block3"] > [data-toggle]').click();
  await graphReady(page);
  await expect(scopeUnits(page)).toHaveCount(8);
  return box;
}

test('a network in nested name scopes: collapsed by scope in graph mode and eager mode, opened on click', async ({ page }) => {
  test.setTimeout(90_000);
  const problems = await open(page);

  // Graph mode, before optimisation: every op is a node, grouped by scope.
  await run(page, 'Graph');
  await page.getByTestId('stage-before').click();
  await graphReady(page);
  await expect(page.getByTestId('graph-summary')).toContainText(/ 29\d nodes/);
  await checkOverview(page, /^3[67] ops/);
  await page.screenshot({ path: `${SHOTS}-graph-overview.png` });
  await expand(page, 'graph-before');

  // After optimisation: fused kernels are boxes of their own inside the scopes they belong to.
  await page.getByTestId('stage-after').click();
  await graphReady(page);
  await expect(scopeUnits(page)).toHaveCount(8);
  expect(await units(page).count()).toBeLessThanOrEqual(30);
  const block = page.locator('[data-testid="graph-node"][data-kind="scope"]', { hasText: 'block3' });
  await block.locator('[data-toggle]').click();
  await graphReady(page);
  await page.locator('[data-testid="graph-node"][data-kind="scope"]', { hasText: 'layer2' }).first().locator('[data-toggle]').click();
  await graphReady(page);
  const layerBox = (await page.locator('[data-testid="graph-group"][data-label="layer2"]').boundingBox())!;
  const kernels = page.locator('[data-testid="graph-node"][data-type="group"][data-kind="kernel"]');
  expect(await kernels.count()).toBeGreaterThan(0);
  const inside = [];
  for (const k of await kernels.all()) {
    const b = (await k.boundingBox())!;
    if (b.x >= layerBox.x && b.y >= layerBox.y && b.x + b.width <= layerBox.x + layerBox.width + 1 && b.y + b.height <= layerBox.y + layerBox.height + 1) inside.push(k);
  }
  expect(inside.length).toBeGreaterThan(0);
  await page.screenshot({ path: `${SHOTS}-graph-after-layer.png` });

  // Eager mode: the trace's ops carry the same scopes and are drawn the same way.
  await tab(page, 'Output');
  await run(page, 'Eager');
  await expect(panel(page)).toHaveAttribute('data-view', 'trace');
  await checkOverview(page, /^3[67] ops/);
  await page.screenshot({ path: `${SHOTS}-eager-overview.png` });
  await expand(page, 'eager');
  expect(problems).toEqual([]);
});
