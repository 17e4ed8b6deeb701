// Live training in the playground, on the built site: the Train example (two spirals, 2 → 32 → 32 → 2, Adam)
// reports each few steps with report(); the Output panel draws the loss and accuracy as they come (uPlot), shows
// the step reached, and the step time of the last eager and graph runs with their ratio. Stop ends a run at once
// (the step counter stops moving, live tensors stayed flat) and the next run works; Compare runs the same steps
// in both modes and pairs their kernels (backward rows included); the Graph panel draws a step's forward pass,
// backward pass (∇) and the optimizer's update (the Adam scope) as groups of their own.
import { expect, test, type Page } from '@playwright/test';
import { finished, graphReady, open, setCode, setMode, tab } from './helpers';
import { EXAMPLES } from '../playground/src/examples';

const SHOTS = 'test-results/train';
const TRAIN = EXAMPLES.find((e) => e.id === 'train')!.code;
/** The example with fewer steps (the same loop): 10 reports, the loss falling by then. */
const SHORT = TRAIN.replace(/const STEPS = \d+;/, 'const STEPS = 50;');

const train = (page: Page) => page.getByTestId('train');
const step = async (page: Page) => Number(await train(page).getAttribute('data-step'));

test('Train: a live chart in both modes, step times and their ratio, Stop, Compare, forward/backward/update groups', async ({ page }) => {
  test.setTimeout(150_000);
  expect(SHORT).not.toBe(TRAIN);
  const problems = await open(page);

  // Stop: the example (120 steps) runs eagerly; stopped after a few reports, the step counter stops at once.
  await setMode(page, 'Eager');
  await page.getByLabel('Examples').selectOption('train');
  await expect.poll(() => step(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(15);
  await page.getByRole('button', { name: '■ Stop' }).click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'stopped');
  await expect(train(page)).toHaveAttribute('data-state', 'stopped');
  const stoppedAt = await step(page);
  expect(stoppedAt).toBeLessThan(120);
  await page.waitForTimeout(1500);
  expect(await step(page), 'the step counter stopped moving').toBe(stoppedAt);
  await expect(page.getByTestId('train-step')).toHaveText(String(stoppedAt));
  // Memory stayed flat while it trained: as many live tensors at the last report as at the first.
  const tensors = page.getByTestId('train-tensors');
  expect(Number(await tensors.getAttribute('data-last'))).toBe(Number(await tensors.getAttribute('data-first')));
  await page.screenshot({ path: `${SHOTS}-stopped.png` });

  // Compare (50 steps in each mode): the next run works, in both modes, with a chart whose loss falls.
  await setCode(page, SHORT);
  await page.getByRole('button', { name: '⇄ Compare' }).click();
  await expect(page.getByTestId('status')).toHaveText(/^done · graph/, { timeout: 60_000 });
  await tab(page, 'Output');
  await expect(train(page)).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('train-chart')).toHaveAttribute('data-points', '10');
  await expect(page.getByTestId('train-chart').locator('canvas')).toBeVisible();
  const first = Number(await train(page).getAttribute('data-loss-first'));
  const last = Number(await train(page).getAttribute('data-loss-last'));
  expect(last, `graph: the loss falls (${first} → ${last})`).toBeLessThan(first * 0.95);
  // Step times of both modes, and their ratio.
  const eagerMs = Number(await page.getByTestId('step-eager').getAttribute('data-ms'));
  const graphMs = Number(await page.getByTestId('step-graph').getAttribute('data-ms'));
  expect(eagerMs).toBeGreaterThan(0);
  expect(graphMs).toBeGreaterThan(0);
  await expect(page.getByTestId('step-ratio')).toHaveText(/^graph \d+\.\d\d× (faster|slower)$/);
  expect(Number(await page.getByTestId('step-ratio').getAttribute('data-ratio'))).toBeCloseTo(eagerMs / graphMs, 6);
  await expect(page.getByTestId('step-eager')).toHaveText(/^eager \d+(\.\d+)? ms\/step$/);
  await page.screenshot({ path: `${SHOTS}-chart-graph.png` });

  // Compare shows both outputs side by side; Timings pairs kernels of both modes, backward kernels included.
  await tab(page, 'Compare');
  await expect(page.getByTestId('compare-eager').getByTestId('summary-eager')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}-compare.png` });
  await tab(page, 'Timings');
  const paired = (sel: string) =>
    page.getByTestId('comparison-table').locator(`[data-testid="compare-row"]${sel}`).evaluateAll((rs) => rs.filter((r) => Number(r.getAttribute('data-eager-kernels')) > 0 && Number(r.getAttribute('data-graph-kernels')) > 0).length);
  expect(await paired('')).toBeGreaterThan(3);
  expect(await paired('[data-backward="true"]')).toBeGreaterThan(0);
  await page.getByTestId('comparison-table').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}-timings-comparison.png` });

  // The graph of one step, in both modes: the forward pass, ∇ backward and the Adam update, each a group (open:
  // a box; closed: a unit) in its own colour. Graph mode: a plan of the step; eagerly: the op trace.
  const checkGroups = async (mode: string) => {
    await graphReady(page, 60_000);
    const group = (pass: string) => page.locator(`[data-testid="graph-group"][data-pass="${pass}"], [data-testid="graph-node"][data-type="group"][data-pass="${pass}"]`);
    for (const pass of ['forward', 'backward', 'update']) expect(await group(pass).count(), `${mode}: a ${pass} group`).toBeGreaterThan(0);
    await expect(group('update').first()).toContainText('Adam');
    await expect(page.getByTestId('graph-legend').locator('[data-key="update"]')).toHaveText('update (optimizer)');
    await expect(page.getByTestId('graph-legend').locator('[data-key="backward"]')).toHaveText('backward (gradient)');
    await page.getByTestId('fit').click();
    await page.screenshot({ path: `${SHOTS}-graph-${mode}.png` });
  };
  await tab(page, 'Graph');
  await checkGroups('graph');
  await setMode(page, 'Eager');
  await page.keyboard.press('Control+Enter');
  expect(await finished(page)).toBe('done');
  await checkGroups('eager');
  expect(problems).toEqual([]);
});
