// Gradients in the playground, on the built site: the three gradient examples (wg.valueAndGrads and a grad of a
// grad, a GradientTape, TensorFlow 1's wg.gradients) in both modes with the same output and the values worked
// out by hand below; the Graph panel draws the backward pass in its own colour and group and says what a
// backward node differentiates; Timings and the eager ⇄ graph comparison list the backward kernels, each
// naming the forward op and line it differentiates (a link to that line). One page, each run once.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { graphReady, open, runExample, tab } from './helpers';
import { EXAMPLES } from '../playground/src/examples';

const SHOTS = 'test-results/gradients';
/** A backward op's fill when colouring by kind (colors.ts BACKWARD[0], #3a1930). */
const BACKWARD_FILL = 'rgb(58, 25, 48)';

const output = async (page: Page) => (await page.getByTestId('output').locator('.line:not(.engine)').allTextContents()).join('\n');
/** Every number in a text, in order. */
const numbers = (text: string) => [...text.matchAll(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g)].map((m) => Number(m[0]));
/** The 1-based line of an example that contains `text`. */
const lineOf = (id: string, text: string) => EXAMPLES.find((e) => e.id === id)!.code.split('\n').findIndex((l) => l.includes(text)) + 1;
const activeLine = (page: Page) => page.locator('.monaco-editor .line-numbers.active-line-number');

type Box = { x: number; y: number; width: number; height: number };
const within = (b: Box, o: Box) => b.x >= o.x - 1 && b.y >= o.y - 1 && b.x + b.width <= o.x + o.width + 1 && b.y + b.height <= o.y + o.height + 1;
const boxes = (l: Locator) => l.evaluateAll((els) => els.map((e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; }));

/** The Graph panel of the last run: backward nodes in their own colour and group; a backward matMul's details. */
async function checkGraph(page: Page, mode: 'Eager' | 'Graph', forwardLines: number[]) {
  await tab(page, 'Graph');
  await graphReady(page);
  const nodes = page.locator('[data-testid="graph-node"]');
  await expect(page.getByTestId('graph-legend').locator('[data-key="backward"]')).toHaveText('backward (gradient)');
  await expect(page.locator('[data-testid="graph-group"][data-group="bw"]')).toBeVisible();
  await page.getByTestId('fit').click();
  await page.screenshot({ path: `${SHOTS}-graph-${mode.toLowerCase()}.png` });
  // The eager trace (94 ops) starts as an overview: the backward group open, its per-forward-line parts closed.
  if (mode === 'Eager') {
    await expect(nodes.and(page.locator('[data-type="group"][data-kind="backward"]')).first()).toBeVisible();
    await page.getByTestId('expand-all').click();
    await graphReady(page);
  }
  const backward = nodes.and(page.locator('[data-pass="backward"][data-kind="op"]'));
  const forward = nodes.and(page.locator('[data-pass="forward"][data-kind="op"]'));
  expect(await backward.count()).toBeGreaterThan(10);
  expect(await forward.count()).toBeGreaterThan(3);
  // Separate colours: every backward op has the backward fill, no forward op has it.
  const fills = async (l: Locator) => new Set(await l.locator('rect.gv-body').evaluateAll((els) => els.map((e) => getComputedStyle(e).fill)));
  expect([...(await fills(backward))]).toEqual([BACKWARD_FILL]);
  expect(await fills(forward)).not.toContain(BACKWARD_FILL);
  // Every backward node is drawn inside the backward group's box, but for those of a fused kernel that also
  // computes forward nodes (graph mode: that kernel's box holds both).
  const outer = (await page.locator('[data-testid="graph-group"][data-group="bw"]').boundingBox())!;
  const kernelBoxes = await boxes(page.locator('[data-testid="graph-group"][data-kind="kernel"]'));
  const forwardBoxes = await boxes(forward);
  let inside = 0;
  for (const b of await boxes(backward)) {
    if (within(b, outer)) inside++;
    else expect(kernelBoxes.some((k) => within(b, k) && forwardBoxes.some((f) => within(f, k))), 'a backward node outside the backward group is in a mixed kernel').toBe(true);
  }
  expect(inside).toBeGreaterThan(5);
  if (mode === 'Eager') await page.screenshot({ path: `${SHOTS}-graph-eager-expanded.png` });

  // A backward matMul says which forward op it differentiates; its line is a link to that op.
  const matMul = backward.and(page.locator('[data-op="matMul"]')).first();
  await matMul.focus();
  await page.keyboard.press('Enter');
  const grad = page.getByTestId('node-details').getByTestId('node-grad');
  await expect(grad).toHaveText(new RegExp(`^gradient of matMul ${mode === 'Graph' ? '%matMul\\S* ' : ''}at line (${forwardLines.join('|')})\\b`));
  const line = Number(/at line (\d+)/.exec((await grad.textContent())!)![1]);
  await grad.getByTestId('node-grad-line').click();
  await expect(activeLine(page)).toHaveText(String(line));
  await page.screenshot({ path: `${SHOTS}-details-${mode.toLowerCase()}.png` });
}

/** Timings of the last run: backward kernels are rows, naming the forward op and line; the name is a link. */
async function checkTimings(page: Page, mode: 'Eager' | 'Graph', logits: number) {
  await tab(page, 'Timings');
  const rows = page.getByTestId('timings-table').locator('[data-testid="timing-row"][data-backward="true"]');
  expect(await rows.count()).toBeGreaterThan(mode === 'Eager' ? 10 : 2);
  const tag = rows.locator('.pp-grad', { hasText: `∇ matMul (line ${logits})` }).first();
  await expect(tag).toBeVisible();
  await tag.click();
  await expect(activeLine(page)).toHaveText(String(logits));
  await page.screenshot({ path: `${SHOTS}-timings-${mode.toLowerCase()}.png` });
}

test('the gradient examples: same output in both modes, right values, the backward pass in Graph, Timings and the comparison', async ({ page }) => {
  test.setTimeout(120_000);
  const problems = await open(page);
  const out: Record<string, Record<string, string>> = {};
  const logits = lineOf('grad-function', 'const logits = wg.matMul(h, w2)');
  const hidden = lineOf('grad-function', 'const h = wg.relu(wg.matMul(x, w1)');
  for (const id of ['tf1-gradients', 'gradient-tape', 'grad-function']) {
    out[id] = {};
    for (const mode of ['Graph', 'Eager'] as const) {
      await runExample(page, id, mode);
      await tab(page, 'Output');
      out[id][mode] = await output(page);
      // The editor knows the gradient API (wgflow.d.ts): nothing is underlined.
      if (mode === 'Graph') await expect(page.locator('.squiggly-error'), `${id}: ${await page.getByTestId('editor').getAttribute('data-markers')}`).toHaveCount(0);
      if (id === 'grad-function') {
        await checkGraph(page, mode, [hidden, logits]);
        await checkTimings(page, mode, logits);
      }
    }
    expect(out[id].Graph, `${id}: graph output equals eager output`).toBe(out[id].Eager);
  }

  // grad of grad: f(x) = x³ at -1, 0.5, 2: f' = 3x², f'' = 6x.
  const f = out['grad-function'].Eager.split("f'(x)")[1]!.replace(/Tensor\([^)]*\)/g, '');
  expect(numbers(f)).toEqual([-1, 0.5, 2, 3, 0.75, 12, -6, 3, 12]);
  // The tape: y = 3x − 1 fitted from w = 0; step 1's loss is mean((3x − 1)²), and the loss falls at every step.
  const xs = Array.from({ length: 32 }, (_, i) => i / 16 - 1);
  const losses = [...out['gradient-tape'].Eager.matchAll(/loss (\d+\.\d+)/g)].map((m) => Number(m[1]));
  expect(losses).toHaveLength(5);
  expect(losses[0]).toBeCloseTo(xs.reduce((s, x) => s + (3 * x - 1) ** 2, 0) / 32, 3);
  for (let i = 1; i < 5; i++) expect(losses[i]).toBeLessThan(losses[i - 1]! * 0.7);
  // TensorFlow 1: loss = mean((Xw + b − y)²), ∂loss/∂w = 2/n·Xᵀr and ∂loss/∂b = 2/n·Σr, in plain arithmetic.
  const X = [[1, 2, 3], [0, 1, 0], [2, 0, 1]];
  const Y = [4, 0, 3];
  const r = X.map((row, i) => row[0]! * 0.5 - row[1]! + row[2]! * 2 + 0.25 - Y[i]!);
  const want = [r.reduce((s, ri) => s + ri * ri, 0) / 3, ...[0, 1, 2].map((j) => (2 / 3) * r.reduce((s, ri, i) => s + ri * X[i]![j]!, 0)), (2 / 3) * r.reduce((s, ri) => s + ri, 0)];
  const got = numbers(out['tf1-gradients'].Eager);
  expect(got).toHaveLength(want.length);
  got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));

  // The eager ⇄ graph comparison pairs the backward kernels of both modes, each row naming its forward op.
  await page.getByRole('button', { name: '⇄ Eager vs graph' }).first().click();
  await expect(page.getByTestId('status')).toHaveText(/^done · graph/, { timeout: 60_000 });
  const paired = page.getByTestId('comparison-table').locator('[data-testid="compare-row"][data-backward="true"]');
  const both = await paired.evaluateAll((rs) => rs.filter((row) => Number(row.getAttribute('data-eager-kernels')) > 0 && Number(row.getAttribute('data-graph-kernels')) > 0).length);
  expect(both).toBeGreaterThan(0);
  await expect(paired.locator('.pp-grad').first()).toHaveText(/^∇ \w+ \(line \d+\)$/);
  await page.getByTestId('comparison-table').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}-comparison.png` });
  expect(problems).toEqual([]);
});
