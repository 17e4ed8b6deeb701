// The Graph panel, on the built playground from the plain static server: the seed graph's nodes, a fused
// group for the chain (graph mode, after optimisation), node details with WGSL and a source link, the eager
// trace, colouring, zoom, and a generated 300-op graph that lays out (collapsed) without freezing the page.
import { expect, test, type Page } from '@playwright/test';
import { finished, graphReady, open, runExample, setMode, tab } from './helpers';

const SHOTS = 'test-results/graph';

/** Runs a built-in example in a mode and opens the Graph tab; waits for the first drawing. */
async function example(page: Page, id: string, mode: 'Eager' | 'Graph') {
  await runExample(page, id, mode);
  await tab(page, 'Graph');
  await graphReady(page);
}

const panel = (page: Page) => page.getByTestId('graph-panel');
const nodes = (page: Page, op?: string) => page.locator(`[data-testid="graph-node"]${op ? `[data-op="${op}"]` : ''}`);

test('the seed graph example draws its two constants and the add, with shapes on the edges', async ({ page }) => {
  const problems = await open(page);
  // The layout worker (elkjs) starts only when the Graph panel first lays something out.
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  await runExample(page, 'seed-graph', 'Graph');
  expect(workers.filter((u) => u.includes('layout.worker'))).toEqual([]);
  await tab(page, 'Graph');
  await graphReady(page);
  expect(workers.filter((u) => u.includes('layout.worker'))).toHaveLength(1);
  await expect(panel(page)).toHaveAttribute('data-stage', 'after');
  await expect(nodes(page, 'constant')).toHaveCount(2);
  await expect(nodes(page, 'add')).toHaveCount(1);
  await expect(nodes(page)).toHaveCount(3);
  // Both constants feed the add; each edge says what it carries.
  const edges = page.locator('[data-testid="graph-edge"]');
  await expect(edges).toHaveCount(2);
  const add = await nodes(page, 'add').getAttribute('data-id');
  for (const e of await edges.all()) {
    await expect(e).toHaveAttribute('data-to', add!);
    await expect(e.locator('.gv-elabel text')).toHaveText('f32[]');
  }
  // Constant folding computed the add when the plan was compiled: the after view says so.
  await expect(nodes(page, 'add')).toHaveAttribute('data-status', 'folded');
  await expect(page.getByTestId('graph-summary')).toContainText('folded at compile time');
  await page.getByTestId('stage-before').click();
  await graphReady(page);
  await expect(nodes(page)).toHaveCount(3);
  await expect(nodes(page, 'add')).toHaveAttribute('data-status', '');
  await page.screenshot({ path: `${SHOTS}-seed.png` });
  expect(problems).toEqual([]);
});

test('the chain example in graph mode shows one fused kernel group after optimisation, none before', async ({ page }) => {
  const problems = await open(page);
  await example(page, 'chain', 'Graph');
  // Two plans ran (the chain, then the sum of its value): the larger is shown first, and both can be picked.
  const choice = page.getByTestId('graph-choice');
  await expect(choice.locator('option')).toHaveCount(2);
  await expect(choice).toHaveValue('graph0');
  const groups = page.locator('[data-testid="graph-group"][data-kind="kernel"]');
  await expect(groups).toHaveCount(1);
  await expect(groups).toHaveAttribute('data-members', '11');
  await expect(nodes(page)).toHaveCount(11);
  for (const op of ['linspace', 'relu', 'tanh', 'exp', 'neg']) await expect(nodes(page, op)).toHaveCount(1);
  // Every node lies inside the group box.
  const box = (await groups.boundingBox())!;
  for (const n of await nodes(page).all()) {
    const b = (await n.boundingBox())!;
    expect(b.x >= box.x && b.y >= box.y && b.x + b.width <= box.x + box.width + 1 && b.y + b.height <= box.y + box.height + 1).toBe(true);
  }
  await page.screenshot({ path: `${SHOTS}-chain-after.png` });

  // The group closes into one box and opens again.
  await groups.locator('[data-toggle]').click();
  await graphReady(page);
  await expect(nodes(page)).toHaveCount(1);
  await expect(nodes(page).first()).toHaveAttribute('data-type', 'group');
  await page.screenshot({ path: `${SHOTS}-chain-collapsed.png` });
  await nodes(page).first().dblclick();
  await graphReady(page);
  await expect(nodes(page)).toHaveCount(11);

  await page.getByTestId('stage-before').click();
  await graphReady(page);
  await expect(page.locator('[data-testid="graph-group"]')).toHaveCount(0);
  await expect(nodes(page)).toHaveCount(11);
  await expect(page.getByTestId('graph-summary')).toContainText('11 kernels before optimisation');
  await page.screenshot({ path: `${SHOTS}-chain-before.png` });

  // Zoom, pan and fit change the view.
  const canvas = page.getByTestId('graph-canvas');
  const zoom = async () => Number(await canvas.getAttribute('data-zoom'));
  const z0 = await zoom();
  await page.getByTestId('zoom-in').click();
  expect(await zoom()).toBeCloseTo(z0 * 1.25, 2);
  const c = (await canvas.boundingBox())!;
  await page.mouse.move(c.x + c.width / 2, c.y + c.height / 2);
  await page.mouse.wheel(0, 300);
  expect(await zoom()).toBeLessThan(z0 * 1.25);
  await page.getByTestId('fit').click();
  const fitted = (await page.locator('[data-testid="graph-canvas"] > g').boundingBox())!;
  expect(fitted.height).toBeLessThanOrEqual(c.height + 1);
  expect(fitted.width).toBeLessThanOrEqual(c.width + 1);

  // The second plan (the sum) is one pick away.
  await choice.selectOption('graph1');
  await graphReady(page);
  await expect(nodes(page, 'sum')).toHaveCount(1);
  await expect(nodes(page, 'placeholder')).toHaveCount(1);
  expect(problems).toEqual([]);
});

test('clicking a node shows its op, shapes, time, source line and the WGSL of its kernel', async ({ page }) => {
  const problems = await open(page);
  await example(page, 'chain', 'Graph');
  await nodes(page, 'tanh').click();
  const details = page.getByTestId('node-details');
  await expect(details).toBeVisible();
  await expect(details.locator('h3')).toContainText('tanh');
  await expect(details.getByTestId('node-output')).toHaveText('float32 [65536]');
  await expect(details).toContainText('fused into');
  await expect(details.getByTestId('node-ms')).toContainText(/\d/);
  const wgsl = details.getByTestId('node-wgsl');
  await expect(wgsl).toContainText('@compute');
  await expect(wgsl).toContainText('fn main');
  await expect(wgsl).toContainText('tanh(');
  await expect(wgsl).toHaveAttribute('data-highlighted', 'true');
  // The selection and its edges are highlighted.
  await expect(nodes(page, 'tanh')).toHaveClass(/selected/);
  await expect(page.locator('.gv-edge.hot')).toHaveCount(2);
  await page.screenshot({ path: `${SHOTS}-details.png` });

  // The source link puts the editor's cursor on the node's line (line 4: the chain).
  const link = details.getByTestId('node-source');
  await expect(link).toHaveText(/^snippet\.ts:4:\d+$/);
  await link.click();
  await expect(page.locator('.monaco-editor .line-numbers.active-line-number')).toHaveText('4');

  // An input link moves the selection to the producer.
  await details.getByRole('button', { name: 'sub', exact: true }).click();
  await expect(details.locator('h3')).toContainText('sub');

  // The eager trace of the same program: one kernel per op, each with its own WGSL and time.
  await setMode(page, 'Eager');
  await page.getByRole('button', { name: '▶ Run' }).click();
  expect(await finished(page)).toBe('done');
  await graphReady(page);
  await nodes(page, 'exp').click();
  await expect(page.getByTestId('node-wgsl')).toContainText('exp(');
  await expect(page.getByTestId('node-kernel')).toHaveCount(1);
  expect(problems).toEqual([]);
});

test('eager mode shows the trace of the ops executed', async ({ page }) => {
  const problems = await open(page);
  await example(page, 'seed-eager', 'Eager');
  await expect(panel(page)).toHaveAttribute('data-view', 'trace');
  await expect(panel(page)).toHaveAttribute('data-stage', 'trace');
  await expect(page.getByTestId('stage-after')).toHaveCount(0);
  await expect(page.getByTestId('graph-summary')).toContainText('eager');
  await expect(nodes(page, 'constant')).toHaveCount(2);
  await expect(nodes(page, 'add')).toHaveCount(1);
  await expect(nodes(page, 'print')).toHaveCount(1);
  await expect(nodes(page, 'print')).toHaveAttribute('data-kind', 'effect');
  await expect(page.locator('[data-testid="graph-edge"]')).toHaveCount(2);
  await page.screenshot({ path: `${SHOTS}-eager-seed.png` });

  await page.getByLabel('Examples').selectOption('chain');
  expect(await finished(page)).toBe('done');
  await graphReady(page);
  for (const op of ['linspace', 'mul', 'add', 'relu', 'sub', 'tanh', 'neg', 'exp', 'sum']) await expect(nodes(page, op).first()).toBeVisible();
  await expect(nodes(page, 'mul')).toHaveCount(3);
  // x feeds three ops: mul, sub, and x*x (one edge for both of its operands).
  const x = await nodes(page, 'linspace').getAttribute('data-id');
  await expect(page.locator(`[data-testid="graph-edge"][data-from="${x}"]`)).toHaveCount(3);
  await expect(page.locator('.gv-elabel text', { hasText: 'f32[65536]' }).first()).toBeVisible();

  // Colour by time (a heat scale with its range) and by device.
  await page.getByTestId('color-by').selectOption('time');
  await expect(page.locator('.gv-ramp')).toBeVisible();
  await expect(page.getByTestId('graph-legend')).toContainText(/\d/);
  await page.screenshot({ path: `${SHOTS}-eager-chain-time.png` });
  await page.getByTestId('color-by').selectOption('device');
  await expect(page.getByTestId('graph-legend')).toContainText('webgpu');
  await page.screenshot({ path: `${SHOTS}-eager-chain-device.png` });
  await page.getByTestId('color-by').selectOption('kind');
  expect(problems).toEqual([]);
});

/**
 * A generated program: 300 elementwise ops in a loop, 100 of them reading one of 12 inputs (more inputs than
 * one kernel may bind, so fusion makes several kernels).
 */
const BIG = `// 300 ops in a loop: a generated graph for the graph view.
const xs = Array.from({ length: 12 }, (_, k) => wg.tensor(Array.from({ length: 256 }, (_, i) => (i + k) / 256)));
let y = xs[0];
for (let i = 0; i < 300; i++) y = i % 3 === 0 ? y.mul(1.001) : i % 3 === 1 ? y.add(xs[((i - 1) / 3) % 12]) : wg.tanh(y);
print((await y.sum().data())[0].toFixed(4));
`;

/** Starts watching the main thread: the longest gap between animation frames and between 50 ms timer ticks. */
async function watchMainThread(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    const s = { raf: 0, timer: 0, frames: 0, stop: false };
    w.__watch = s;
    let last = performance.now();
    const frame = (t: number) => {
      s.raf = Math.max(s.raf, t - last);
      s.frames++;
      last = t;
      if (!s.stop) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    let tick = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      s.timer = Math.max(s.timer, now - tick - 50);
      tick = now;
      if (s.stop) clearInterval(timer);
    }, 50);
  });
}
const watched = (page: Page) => page.evaluate(() => (window as unknown as { __watch: { raf: number; timer: number; frames: number } }).__watch);

test('a generated 300-op graph opens collapsed without freezing the page, expands, and a layout can be cancelled', async ({ page }) => {
  test.setTimeout(180_000);
  const problems = await open(page);
  await setMode(page, 'Graph');
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(BIG);
  await page.getByRole('button', { name: '▶ Run' }).click();
  expect(await finished(page)).toBe('done');

  await watchMainThread(page);
  let t0 = Date.now();
  await tab(page, 'Graph');
  await graphReady(page, 15_000);
  const opened = Date.now() - t0;
  // After optimisation: ~312 nodes (300 ops and their 12 inputs) start as an overview of collapsed groups.
  await expect(page.getByTestId('graph-summary')).toContainText(/^withMode · 31\d nodes/);
  const overview = await nodes(page).count();
  expect(overview).toBeLessThanOrEqual(80);
  expect(await page.locator('[data-testid="graph-node"][data-type="group"][data-kind="kernel"]').count()).toBeGreaterThan(1);
  await page.screenshot({ path: `${SHOTS}-big-overview.png` });

  // Before optimisation: 300 separate kernels, collapsed into source-line groups.
  await page.getByTestId('stage-before').click();
  await graphReady(page, 15_000);
  expect(await nodes(page).count()).toBeLessThanOrEqual(80);
  await page.screenshot({ path: `${SHOTS}-big-before.png` });

  // Everything open: hundreds of nodes, laid out in the worker while the page keeps running.
  t0 = Date.now();
  await page.getByTestId('expand-all').click();
  await graphReady(page, 60_000);
  const expanded = Date.now() - t0;
  expect(await nodes(page).count()).toBeGreaterThanOrEqual(300);
  await page.screenshot({ path: `${SHOTS}-big-expanded.png` });
  const w = await watched(page);
  const timing = `overview ${opened} ms, expand all ${expanded} ms (${await page.getByTestId('graph-status').textContent()}); longest frame gap ${w.raf.toFixed(0)} ms, timer lateness ${w.timer.toFixed(0)} ms`;
  test.info().annotations.push({ type: 'timing', description: timing });
  console.log(`300-op graph: ${timing}`);
  expect(w.frames).toBeGreaterThan(10);
  expect(w.raf).toBeLessThan(500);
  expect(w.timer).toBeLessThan(500);

  // A layout can be cancelled: the previous drawing stays.
  await page.getByTestId('collapse-all').click();
  await graphReady(page);
  await page.getByTestId('stage-after').click();
  await graphReady(page);
  const before = await nodes(page).count();
  await page.getByTestId('expand-all').click();
  await page.getByTestId('layout-cancel').click({ timeout: 5_000 });
  await graphReady(page);
  await expect(page.locator('.gv-notice')).toContainText('cancelled');
  await expect(nodes(page)).toHaveCount(before);
  expect(problems).toEqual([]);
});
