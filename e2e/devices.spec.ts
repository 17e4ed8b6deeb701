// Devices in the built playground: the "Devices: CPU and WebGPU" example prints its placement log as dim
// engine lines; in graph mode the optimised plan draws its copies between devices as transfer nodes, coloured
// by device by default (a click shows their bytes and time); eagerly, the trace draws its copies too and the
// Timings panel tags every row with its device. Screenshots go to test-results/devices-*.png.
import { expect, test, type Page } from '@playwright/test';
import { finished, graphReady, open, runExample, setMode, tab } from './helpers';

const SHOTS = 'test-results/devices';

const nodes = (page: Page) => page.locator('[data-testid="graph-node"]');
const transfers = (page: Page) => page.locator('[data-testid="graph-node"][data-kind="transfer"]');

test('the devices example: transfer nodes coloured by device in the graph, bytes in the details, device tags in Timings', async ({ page }) => {
  test.setTimeout(180_000);
  const problems = await open(page);
  await runExample(page, 'devices', 'Graph');

  // The prints, and the placement log: dim engine lines, each with a link to its snippet line.
  const output = page.getByTestId('output');
  await expect(output).toContainText('x: webgpu · onCpu: cpu · back: webgpu · mixed: webgpu');
  await expect(output).toContainText('sum = 1639.462');
  const logs = output.locator('.line.engine');
  await expect(logs.filter({ hasText: 'wgflow: placed graph node "mul" (mul) on cpu' })).toHaveCount(1);
  await expect(logs.first().getByTestId('error-location')).toHaveText(/line \d+/);
  await expect(logs.first()).not.toContainText('snippet.js');
  await page.locator('.side').screenshot({ path: `${SHOTS}-output-graph.png` });

  // The optimised plan: coloured by device, with webgpu, cpu and transfer in the legend.
  await tab(page, 'Graph');
  await graphReady(page);
  await expect(page.getByTestId('graph-panel')).toHaveAttribute('data-stage', 'after');
  await expect(page.getByTestId('color-by')).toHaveValue('device');
  const legend = page.getByTestId('graph-legend');
  for (const key of ['webgpu', 'cpu', 'transfer']) await expect(legend.locator(`[data-key="${key}"]`)).toBeVisible();
  await expect(page.getByTestId('graph-summary')).toContainText(/\d transfers \(/);
  // Copies the plan inserted (x to the CPU for mul) and the explicit t.to('webgpu') are transfer nodes.
  const copy = transfers(page).and(page.locator('[data-op="transfer"]')).filter({ hasText: 'webgpu → cpu' }).first();
  await expect(copy).toContainText('4.0 KiB');
  await expect(nodes(page).and(page.locator('[data-op="to"]'))).toHaveAttribute('data-kind', 'transfer');
  await expect(nodes(page).and(page.locator('[data-op="to"]'))).toContainText('cpu → webgpu');
  // Drawn on the edge: its producer → the copy → the op that needed it (on the CPU).
  const id = (await copy.getAttribute('data-id'))!;
  await expect(page.locator(`[data-testid="graph-edge"][data-to="${id}"]`)).toHaveCount(1);
  const out = page.locator(`[data-testid="graph-edge"][data-from="${id}"]`);
  await expect(out).toHaveCount(1);
  const consumer = (await out.getAttribute('data-to'))!;
  await expect(page.locator(`[data-testid="graph-node"][data-id="${consumer}"]`)).toHaveAttribute('data-device', 'cpu');
  await page.getByTestId('fit').click();
  await page.screenshot({ path: `${SHOTS}-graph-after.png` });

  // Its details: the route, the bytes, and the time the profile measured for it.
  await copy.click();
  const details = page.getByTestId('node-details');
  await expect(details).toHaveAttribute('data-node', id);
  await expect(details.getByTestId('node-transfer')).toContainText('webgpu → cpu');
  await expect(details.getByTestId('node-bytes')).toHaveText('4.0 KiB');
  await expect(details.getByTestId('node-ms')).toContainText(/\d/);
  await expect(details.getByTestId('node-kernel').first()).toContainText('webgpu→cpu');
  await page.screenshot({ path: `${SHOTS}-graph-details.png` });

  // The user may still colour by kind (the transfers keep their look); before optimisation shows copies too.
  await page.getByTestId('color-by').selectOption('kind');
  await expect(legend.locator('[data-key="transfer"]')).toBeVisible();
  await page.getByTestId('stage-before').click();
  await graphReady(page);
  expect(await transfers(page).count()).toBeGreaterThanOrEqual(3);
  await page.getByTestId('fit').click();
  await page.screenshot({ path: `${SHOTS}-graph-before-kind.png` });
  await page.getByTestId('stage-after').click();

  // Eagerly: the trace draws the `to` op and the copies the ops made as transfers, coloured by device.
  await setMode(page, 'Eager');
  await page.getByRole('button', { name: '▶ Run' }).click();
  expect(await finished(page)).toBe('done');
  await tab(page, 'Output');
  await expect(output).toContainText('x: webgpu · onCpu: cpu · back: webgpu · mixed: webgpu');
  await expect(output.locator('.line.engine').filter({ hasText: 'wgflow: placed mul on cpu' })).toHaveCount(1);
  await tab(page, 'Graph');
  await graphReady(page);
  await expect(page.getByTestId('graph-panel')).toHaveAttribute('data-stage', 'trace');
  await expect(page.getByTestId('color-by')).toHaveValue('device');
  await expect(nodes(page).and(page.locator('[data-op="to"]'))).toHaveAttribute('data-kind', 'transfer');
  expect(await transfers(page).count()).toBeGreaterThanOrEqual(2);
  await expect(nodes(page).and(page.locator('[data-op="mul"][data-device="cpu"]'))).toHaveCount(1);
  await page.getByTestId('fit').click();
  await page.screenshot({ path: `${SHOTS}-eager-trace.png` });

  // Timings: a device tag on every row; the copies between devices are shown, with their bytes.
  await tab(page, 'Timings');
  const rows = page.getByTestId('timings-table').getByTestId('timing-row');
  expect(await rows.count()).toBeGreaterThanOrEqual(5);
  for (const row of await rows.all()) await expect(row.getByTestId('device-tag')).toBeVisible();
  await expect(rows.and(page.locator('[data-device="cpu"]')).first()).toBeVisible();
  await expect(rows.and(page.locator('[data-device="webgpu"]')).first()).toBeVisible();
  const copies = rows.and(page.locator('[data-kind="transfer"][data-device="webgpu → cpu"]'));
  await expect(copies.first()).toBeVisible();
  await expect(copies.first()).toContainText('4.0 KiB');
  await expect(rows.and(page.locator('[data-device="cpu → webgpu"]')).first()).toBeVisible();
  await page.locator('.side').screenshot({ path: `${SHOTS}-timings-eager.png` });

  // Both modes paired: the comparison tags its rows too; the outputs agree (placement logs aside).
  await page.getByRole('button', { name: '⇄ Eager vs graph' }).first().click();
  await expect(page.getByTestId('status')).toHaveText(/^done · graph/, { timeout: 90_000 });
  const compared = page.getByTestId('comparison-table').getByTestId('compare-row');
  await expect(compared.and(page.locator('[data-device="cpu"]')).first()).toBeVisible();
  await expect(compared.and(page.locator('[data-kind="transfer"][data-device="webgpu → cpu"]')).first()).toBeVisible();
  await page.getByTestId('comparison').scrollIntoViewIfNeeded();
  await page.locator('.side').screenshot({ path: `${SHOTS}-timings-comparison.png` });
  await tab(page, 'Compare');
  await expect(page.getByTestId('verdict')).toContainText('Outputs agree');
  expect(problems).toEqual([]);
});
