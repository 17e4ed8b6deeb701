// The analysis panels of the built playground (plain static server, headless Chromium with WebGPU): the
// Learn examples in both modes, the Timings table and the eager ⇄ graph comparison, the optimisation
// switches, the Kernels tab's WGSL, the Memory readout, and the JSON exports. Screenshots of each view go
// to test-results/panels-*.png.
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { finished, open, runExample, setMode, tab } from './helpers';
import { LEARN } from '../playground/src/panels/learn_examples';

const SHOTS = 'test-results/panels';

/** The side pane alone (the editor is not what these screenshots are about). */
const shot = (page: Page, name: string) => page.locator('.side').screenshot({ path: `${SHOTS}-${name}.png` });

/** Drags the editor | panels separator left, so the side pane is wide enough for side-by-side views. */
async function widenSide(page: Page, by = 380) {
  const box = (await page.locator('.resize').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x - by, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
}

/** Output lines, without the ones that print times (they differ from run to run). */
async function outputLines(page: Page): Promise<string[]> {
  const lines = await page.getByTestId('output').locator('.line').allTextContents();
  return lines.filter((l) => !/\d\s*ms\b/.test(l));
}

test('every Learn example and both seed programs run in both modes with the same output', async ({ page }) => {
  test.setTimeout(420_000);
  const problems = await open(page);
  await tab(page, 'Learn');
  await expect(page.getByTestId('learn-table').locator('tbody tr')).toHaveCount(8);
  await shot(page, 'learn');
  await page.getByTestId('learn-optimisation').getByRole('button', { name: /Read the snippet/ }).click();
  await page.getByTestId('learn-optimisation').scrollIntoViewIfNeeded();
  await shot(page, 'learn-card');
  const ids = ['seed-graph', 'seed-eager', ...LEARN.map((r) => r.id)];
  for (const id of ids) {
    const outputs: Partial<Record<'eager' | 'graph', string[]>> = {};
    for (const mode of ['eager', 'graph'] as const) {
      await tab(page, 'Learn');
      await page.getByTestId(`learn-${id}-${mode}`).click();
      const state = await finished(page);
      await expect(page.getByTestId('status')).toContainText(mode);
      // The snippet is in the editor (its first line shows).
      const code = id.startsWith('seed-') ? undefined : LEARN.find((r) => r.id === id)!.code;
      if (code) await expect(page.locator('.view-lines')).toContainText(code.split('\n')[0].slice(0, 30).replace(/ +/g, '\u00a0'));
      // The button chose the mode and opened the Output tab.
      await expect(page.locator('.mode button[aria-checked="true"]')).toHaveText(mode === 'eager' ? 'Eager' : 'Graph');
      await expect(page.getByRole('tab', { name: 'Output', exact: true })).toHaveAttribute('aria-selected', 'true');
      const out = await outputLines(page);
      expect(state, `${id} in ${mode}: ${out.join('\n')}`).toBe('done');
      await expect(page.getByTestId('output').locator('.line.error'), `${id} in ${mode}`).toHaveCount(0);
      expect(out.length, `${id} in ${mode} prints something`).toBeGreaterThan(0);
      outputs[mode] = out;
      // What the optimisation row tells the reader to look at: 30 kernels eagerly, 3 as a graph.
      if (id === 'optimisation') await expect(page.getByTestId(`summary-${mode}`).getByTestId('kernels')).toHaveText(mode === 'eager' ? '30 kernels' : '3 kernels');
    }
    expect(outputs.graph, `${id}: the graph output equals the eager output`).toEqual(outputs.eager);
    if (id.startsWith('seed-')) expect(outputs.eager).toEqual(['8']);
  }
  expect(problems).toEqual([]);
});

test('Timings: per-op rows in both modes, sortable; Compare pairs the chain: 10+ eager kernels against 1', async ({ page }) => {
  test.setTimeout(180_000);
  const problems = await open(page);
  await runExample(page, 'chain', 'Eager');
  await tab(page, 'Timings');
  const rows = page.getByTestId('timings-table').getByTestId('timing-row');
  expect(await rows.count()).toBeGreaterThanOrEqual(10);
  await expect(page.getByTestId('timer')).toContainText(/timestamp queries|CPU clock/);
  await expect(page.getByTestId('timer')).toContainText('resolution');
  await expect(page.getByTestId('stat-kernels')).toContainText(/\d+/);
  await shot(page, 'timings-eager');

  // Sorting by clicking a header, and again to reverse.
  const calls = page.getByTestId('timings-table').locator('th', { hasText: 'Calls' });
  await calls.getByRole('button').click();
  await expect(calls).toHaveAttribute('aria-sort', 'descending');
  await calls.getByRole('button').click();
  await expect(calls).toHaveAttribute('aria-sort', 'ascending');
  const callCol = await rows.locator('td:nth-child(3)').allTextContents();
  const nums = callCol.map(Number);
  expect(nums).toEqual([...nums].sort((a, b) => a - b));

  await setMode(page, 'Graph');
  await page.getByRole('button', { name: '▶ Run' }).click();
  expect(await finished(page)).toBe('done');
  await tab(page, 'Timings');
  await expect(page.getByRole('radio', { name: 'Graph run' })).toHaveAttribute('aria-checked', 'true');
  expect(await rows.count()).toBeGreaterThanOrEqual(1);
  // The fused chain is one row covering its ops.
  await expect(page.getByTestId('timings-table')).toContainText(/1[01] ops/);
  // Both runs of the same code: the speed-up is known.
  await expect(page.getByTestId('stat-speedup')).toContainText('×');
  await shot(page, 'timings-graph');

  // The panel's own Compare button (props.onCompare) runs both modes, staying on this tab; the comparison
  // pairs them (and the Compare tab finds the outputs agree).
  await page.getByRole('button', { name: '⇄ Eager vs graph' }).first().click();
  await expect(page.getByRole('tab', { name: 'Timings', exact: true })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('status')).toHaveText(/^done · graph/, { timeout: 90_000 });
  await tab(page, 'Compare');
  await expect(page.getByTestId('verdict')).toContainText('Outputs agree');
  await tab(page, 'Timings');
  const fused = page.getByTestId('comparison-table').locator('[data-testid="compare-row"][data-graph-kernels="1"][data-kind="elementwise"]');
  await expect(fused).toHaveCount(1);
  expect(Number(await fused.getAttribute('data-eager-kernels'))).toBeGreaterThanOrEqual(10);
  await expect(page.getByTestId('compare-chart').locator('rect.pp-bar.eager').first()).toBeVisible();
  await page.getByTestId('comparison').scrollIntoViewIfNeeded();
  await shot(page, 'timings-comparison');
  // With a wider pane the chart and the table sit side by side.
  await widenSide(page);
  await page.getByTestId('comparison').scrollIntoViewIfNeeded();
  const chart = (await page.getByTestId('compare-chart').boundingBox())!;
  const table = (await page.getByTestId('comparison-table').boundingBox())!;
  expect(table.x).toBeGreaterThan(chart.x + chart.width - 1);
  await shot(page, 'timings-comparison-wide');

  // Exports: the Chrome trace (traceEvents) and the profile JSON, as downloads.
  const read = async (testId: string) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
    expect(download.suggestedFilename()).toMatch(/\.json$/);
    return JSON.parse(await readFile((await download.path())!, 'utf8'));
  };
  const trace = await read('export-trace');
  expect(Array.isArray(trace.traceEvents)).toBe(true);
  expect(trace.traceEvents.some((e: { ph: string }) => e.ph === 'X')).toBe(true);
  const json = await read('export-json');
  expect(json.profile.kernels.length).toBeGreaterThan(0);
  expect(json.comparison.rows.length).toBeGreaterThan(0);
  const comparison = await read('export-comparison');
  expect(comparison.totals.speedup).toBeGreaterThan(0);
  expect(problems).toEqual([]);
});

test('Optimisations: switching fusion off raises the kernel count, and passes report before → after', async ({ page }) => {
  test.setTimeout(120_000);
  const problems = await open(page);
  await runExample(page, 'chain', 'Graph');
  await tab(page, 'Optimisations');
  const dispatches = page.getByTestId('opt-dispatches');
  const before = Number(await dispatches.textContent());
  expect(before).toBeGreaterThan(0);
  await expect(page.getByTestId('pass-fusion')).toContainText('fused');
  await expect(page.getByTestId('plan').first()).toBeVisible();
  await shot(page, 'optimisations');

  await page.getByRole('switch', { name: 'fusion' }).uncheck();
  await expect.poll(async () => Number(await dispatches.textContent()), { timeout: 60_000 }).toBeGreaterThan(before);
  expect(await finished(page)).toBe('done');
  await expect(page.getByRole('switch', { name: 'fusion' })).not.toBeChecked();
  await expect(page.getByTestId('pass-fusion')).toContainText('off');
  await shot(page, 'optimisations-fusion-off');

  // Back on: the count comes down again.
  const off = Number(await dispatches.textContent());
  await page.getByRole('switch', { name: 'fusion' }).check();
  await expect.poll(async () => Number(await dispatches.textContent()), { timeout: 60_000 }).toBeLessThan(off);
  expect(await finished(page)).toBe('done');
  // The fusion step of the first plan: its before list has the chain's kernels, its after list the fused one.
  await page.getByTestId('plan').first().getByRole('tab', { name: /fusion/ }).click();
  expect(await page.getByTestId('plan').first().getByTestId('klist-from').locator('li').count()).toBeGreaterThanOrEqual(10);
  await expect(page.getByTestId('plan').first().getByTestId('klist-to').locator('li')).toHaveCount(1);
  await page.getByTestId('plan').first().scrollIntoViewIfNeeded();
  await shot(page, 'optimisations-fusion-step');
  expect(problems).toEqual([]);
});

test('Kernels lists the generated WGSL with the nodes each kernel covers', async ({ page }) => {
  const problems = await open(page);
  await runExample(page, 'chain', 'Graph');
  await tab(page, 'Kernels');
  const cards = page.getByTestId('kernel-card');
  expect(await cards.count()).toBeGreaterThanOrEqual(1);
  const fusedCard = cards.filter({ hasText: 'linspace+mul' }).first();
  await expect(fusedCard.getByTestId('wgsl')).toContainText('@compute');
  await expect(fusedCard.getByTestId('wgsl')).toContainText('fn main');
  expect(await fusedCard.locator('.pp-chip').count()).toBeGreaterThanOrEqual(10);
  await shot(page, 'kernels-graph');

  await runExample(page, 'chain', 'Eager');
  await tab(page, 'Kernels');
  expect(await cards.count()).toBeGreaterThanOrEqual(10);
  await page.getByRole('button', { name: 'Expand all' }).click();
  expect(await page.getByTestId('wgsl').count()).toBe(await cards.count());
  await page.getByLabel('Filter kernels').fill('tanh');
  await expect(cards).toHaveCount(1);
  await shot(page, 'kernels-eager');
  expect(problems).toEqual([]);
});

test('Memory shows live tensors and bytes after each run, and flags a leak', async ({ page }) => {
  const problems = await open(page);
  await runExample(page, 'chain', 'Eager');
  await tab(page, 'Memory');
  await expect(page.getByTestId('mem-at-end')).toContainText(/\d+ tensors/);
  await expect(page.getByTestId('mem-at-end')).toContainText(/\d+(\.\d+)? (B|KiB|MiB)/);
  await expect(page.getByTestId('memory-verdict')).toContainText('No leak');
  await shot(page, 'memory');

  // A snippet that keeps a tensor past the run's scope: the readout shows it left behind.
  const editor = page.locator('.monaco-editor .view-lines').first();
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText('const kept = wg.keep(wg.ones([256, 256]));\nprint(kept.shape);\n');
  await page.getByRole('button', { name: '▶ Run' }).click();
  expect(await finished(page)).toBe('done');
  await tab(page, 'Memory');
  await expect(page.getByTestId('memory-verdict')).toContainText('Leak: 1 tensor (256.0 KiB) outlived the run');
  await expect(page.getByTestId('mem-after')).toContainText(/[1-9]\d* tensors?/);
  await expect(page.getByTestId('memory-history')).toBeVisible();
  await shot(page, 'memory-leak');
  expect(problems).toEqual([]);
});
