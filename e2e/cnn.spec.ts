// The CNN example on the built playground (plain static server, headless Chromium with WebGPU): the same
// output in both modes; graph mode's Graph panel draws each convolution with its bias add and relu as one
// fused kernel group (two of them), whose details name the convolution variant; the Kernels panel shows the
// variant of every convolution and matmul kernel, eagerly and in graph mode; the eager ⇄ graph comparison
// pairs each conv + add + relu (3 kernels eagerly) with its one fused kernel. Screenshots: test-results/cnn-*.png.
import { expect, test, type Page } from '@playwright/test';
import { finished, graphReady, open, runExample, setMode, tab } from './helpers';

const SHOTS = 'test-results/cnn';

/** The side pane alone. */
const shot = (page: Page, name: string) => page.locator('.side').screenshot({ path: `${SHOTS}-${name}.png` });

/** Output lines, without the engine's own (dim) lines. */
const output = async (page: Page) => (await page.getByTestId('output').locator('.line:not(.engine)').allTextContents()).join('\n');

/** A convolution variant in words, as the engine's selection point names it. */
const CONV_VARIANT = /^(direct|depthwise) \(.+\), \d+×\d+ per invocation, workgroup \d+×\d+$/;

test('the CNN example: fused conv + bias + relu groups in the graph view, convolution variants in Kernels', async ({ page }) => {
  test.setTimeout(240_000);
  const problems = await open(page);

  // ---- eager: one kernel per op; each convolution and the matmul say which variant ran ----
  await runExample(page, 'cnn', 'Eager');
  const eagerOut = await output(page);
  expect(eagerOut).toContain('images 0 and 1: Tensor(float32, [2,10])');
  expect(eagerOut).toContain('classes (untrained weights): Tensor(int32, [4])');
  await expect(page.getByTestId('output').locator('.line.error')).toHaveCount(0);
  const eagerKernels = Number(((await page.getByTestId('summary-eager').getByTestId('kernels').textContent()) ?? '').split(' ')[0]);

  await tab(page, 'Kernels');
  const cards = page.getByTestId('kernel-card');
  const convCards = cards.filter({ has: page.locator('.pp-kind.conv') });
  // The two convolutions have different shapes (3 → 8 and 8 → 16 channels): two shaders.
  await expect(convCards).toHaveCount(2);
  await page.getByRole('button', { name: 'Expand all' }).click();
  for (const card of await convCards.all()) {
    await expect(card.locator('.pp-kname')).toHaveText('conv2d');
    await expect(card.getByTestId('kernel-variant')).toHaveAttribute('data-kind', 'conv');
    const variant = (await card.getByTestId('kernel-variant').locator('.mono').first().textContent())!;
    expect(variant).toMatch(CONV_VARIANT);
    // The header's tag is the variant's first word.
    await expect(card.locator('.pp-variant-tag')).toHaveText(variant.split(' ')[0]!);
  }
  const matmulCard = cards.filter({ has: page.locator('.pp-kind.matmul') });
  await expect(matmulCard).toHaveCount(1);
  await expect(matmulCard.getByTestId('kernel-variant')).toContainText('per invocation');
  // Elementwise kernels have no variant.
  await expect(page.getByTestId('kernel-variant')).toHaveCount(3);
  // The filter finds kernels by their variant.
  await page.getByLabel('Filter kernels').fill('direct');
  await expect(cards).toHaveCount(2);
  await page.getByLabel('Filter kernels').fill('');
  await convCards.first().scrollIntoViewIfNeeded();
  await shot(page, 'kernels-eager');

  // ---- graph: each conv2d + add + relu is one kernel ----
  await setMode(page, 'Graph');
  await page.getByRole('button', { name: '▶ Run' }).click();
  expect(await finished(page)).toBe('done');
  await tab(page, 'Output');
  expect(await output(page), 'the graph output equals the eager output').toBe(eagerOut);
  const graphKernels = Number(((await page.getByTestId('summary-graph').getByTestId('kernels').textContent()) ?? '').split(' ')[0]);
  expect(graphKernels).toBeLessThan(eagerKernels);

  await tab(page, 'Graph');
  await graphReady(page);
  await expect(page.getByTestId('graph-panel')).toHaveAttribute('data-stage', 'after');
  const convGroups = page.locator('[data-testid="graph-group"][data-kind="kernel"][data-kernel-kind="conv"]');
  await expect(convGroups).toHaveCount(2);
  for (const g of await convGroups.all()) {
    await expect(g).toHaveAttribute('data-label', 'conv2d+add+relu');
    await expect(g).toHaveAttribute('data-members', '3');
    // The conv2d, add and relu nodes lie inside the group's box; maxPool (the next kernel) does not.
    const box = (await g.boundingBox())!;
    const inside = async (sel: string) => {
      const ids = await page.locator(sel).evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
      let n = 0;
      for (const id of ids) {
        const b = (await page.locator(`[data-testid="graph-node"][data-id="${id}"]`).boundingBox())!;
        if (b.x >= box.x - 1 && b.y >= box.y - 1 && b.x + b.width <= box.x + box.width + 1 && b.y + b.height <= box.y + box.height + 1) n++;
      }
      return n;
    };
    for (const op of ['conv2d', 'add', 'relu']) expect(await inside(`[data-testid="graph-node"][data-op="${op}"]`), `one ${op} in the group`).toBe(1);
    expect(await inside('[data-testid="graph-node"][data-op="maxPool"]')).toBe(0);
  }
  // The dense layer's matmul + bias is a fused group too.
  await expect(page.locator('[data-testid="graph-group"][data-kernel-kind="matmul"]')).toHaveCount(1);
  await expect(page.getByTestId('graph-legend').locator('[data-key="conv"]')).toBeVisible();
  await page.getByTestId('fit').click();
  await page.screenshot({ path: `${SHOTS}-graph-after.png` });
  // Closer: the wheel zooms in around the pointer, on the first convolution's group.
  const g0 = (await convGroups.first().boundingBox())!;
  await page.mouse.move(g0.x + g0.width / 2, g0.y + g0.height / 2);
  for (let i = 0; i < 3; i++) await page.mouse.wheel(0, -200);
  await page.getByTestId('graph-canvas').screenshot({ path: `${SHOTS}-graph-group-zoomed.png` });
  await page.getByTestId('fit').click();

  // A group's details: the fused kernel, its kind and the variant chosen, with the kernel's WGSL.
  await convGroups.first().locator('.gv-gtitle').click();
  const details = page.getByTestId('node-details');
  await expect(details.locator('h3')).toContainText('conv2d+add+relu');
  await expect(details).toContainText('fused kernel');
  const variant = (await details.getByTestId('group-variant').textContent())!;
  expect(variant).toMatch(CONV_VARIANT);
  await expect(details.getByTestId('node-variant')).toContainText(variant);
  await expect(details.getByTestId('node-wgsl')).toContainText('@compute');
  await page.screenshot({ path: `${SHOTS}-graph-group.png` });

  // A member's details say what it is fused into.
  await page.locator('[data-testid="graph-node"][data-op="relu"]').first().click();
  await expect(details.locator('h3')).toContainText('relu');
  await expect(details).toContainText('fused into');
  await expect(details).toContainText('conv2d+add+relu');

  // Before optimisation: no groups, every op its own kernel.
  await page.getByTestId('stage-before').click();
  await graphReady(page);
  await expect(page.locator('[data-testid="graph-group"][data-kind="kernel"]')).toHaveCount(0);

  // Kernels in graph mode: the fused convolutions, each with its variant.
  await tab(page, 'Kernels');
  const fused = cards.filter({ hasText: 'conv2d+add+relu' });
  await expect(fused).toHaveCount(2);
  for (const card of await fused.all()) {
    await expect(card.locator('.pp-kind')).toHaveText('conv');
    expect((await card.getByTestId('kernel-variant').locator('.mono').first().textContent())!).toMatch(CONV_VARIANT);
    expect(await card.locator('.pp-chip').count()).toBe(3);
  }
  await expect(cards.filter({ hasText: 'matMul+add' }).getByTestId('kernel-variant')).toContainText('per invocation');
  await page.getByRole('button', { name: 'Expand all' }).click();
  await fused.first().scrollIntoViewIfNeeded();
  await shot(page, 'kernels-graph');

  // ---- the eager ⇄ graph comparison, per op ----
  await tab(page, 'Timings');
  await page.getByRole('button', { name: '⇄ Eager vs graph' }).first().click();
  await expect(page.getByTestId('status')).toHaveText(/^done · graph/, { timeout: 120_000 });
  const convRows = page.getByTestId('comparison-table').locator('[data-testid="compare-row"][data-kind="conv"]');
  await expect(convRows).toHaveCount(2);
  for (const r of await convRows.all()) {
    await expect(r).toHaveAttribute('data-graph-kernels', '1');
    await expect(r).toHaveAttribute('data-eager-kernels', '3');
  }
  await page.getByTestId('comparison').scrollIntoViewIfNeeded();
  await shot(page, 'timings-comparison');
  await tab(page, 'Compare');
  await expect(page.getByTestId('verdict')).toContainText('Outputs agree');
  expect(problems).toEqual([]);
});
