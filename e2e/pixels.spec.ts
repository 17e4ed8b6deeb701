// Pixels in and out of the playground (issue 18): the image example in both modes shows its input and every
// stage in the Output panel, at the right sizes, with the same pixels in both modes; a typed snippet checks
// wg.browser.fromPixels on a canvas of known colours (the printed values) and wg.browser.toPixels (the bytes
// it returns and the pixels the panel shows, read back from the page); toPixels of a bad tensor shows a clear
// error, and the next run works. Screenshots: test-results/pixels-*.png.
import { expect, test, type Page } from '@playwright/test';
import { finished, open, runExample, setMode } from './helpers';

const SHOTS = 'test-results/pixels';

/** The side pane alone. */
const shot = (page: Page, name: string) => page.locator('.side').screenshot({ path: `${SHOTS}-${name}.png` });

const images = (page: Page) => page.getByTestId('output').getByTestId('output-image');

/** Output lines, without the engine's own (dim) lines. */
const output = async (page: Page) => (await page.getByTestId('output').locator('.line:not(.engine)').allTextContents()).join('\n');

/** The shown images: label, size, and their pixels read back from the page's canvases (RGBA). */
const shown = (page: Page) =>
  images(page).evaluateAll((els) =>
    els.map((el) => {
      const c = el.querySelector('canvas');
      const label = el.getAttribute('data-label');
      if (!c) return { label, state: el.getAttribute('data-state'), width: 0, height: 0, rgba: [] as number[] };
      const rgba = Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data);
      return { label, state: el.getAttribute('data-state'), width: c.width, height: c.height, rgba };
    }),
  );

/** Replaces the editor's text (insertText: Monaco closes no brackets) and runs it in the current mode. */
async function runSnippet(page: Page, code: string): Promise<string> {
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(code);
  await page.getByRole('button', { name: '▶ Run' }).click();
  return finished(page);
}

const STAGES: [string, number, number][] = [
  ['input (2D canvas)', 96, 96],
  ['resizeBilinear', 48, 48],
  ['cropAndResize (the house)', 64, 64],
  ['depthwiseConv2d: blur', 64, 64],
  ['conv2d: edges (grey)', 64, 64],
];

test('the image example shows its input and every stage, the same in eager and graph mode', async ({ page }) => {
  test.setTimeout(90_000);
  const problems = await open(page);
  const seen: Record<string, Awaited<ReturnType<typeof shown>>> = {};
  for (const mode of ['Eager', 'Graph'] as const) {
    await runExample(page, 'image', mode);
    await expect(page.getByTestId('output').locator('.line.error')).toHaveCount(0);
    const out = await output(page);
    expect(out).toContain('fromPixels: [96,96,3] int32');
    expect(out).toContain('edges: [1,64,64,1]');
    const got = await shown(page);
    expect(got.map((g) => [g.label, g.width, g.height])).toEqual(STAGES);
    for (const g of got) {
      expect(g.state).toBe('shown');
      // Opaque, and not one flat colour: something was drawn.
      expect(g.rgba.filter((_, i) => i % 4 === 3).every((a) => a === 255), `${g.label}: opaque`).toBe(true);
      expect(new Set(g.rgba.filter((_, i) => i % 4 === 0)).size, `${g.label}: varied`).toBeGreaterThan(8);
    }
    // The grey edge image: r = g = b.
    const edges = got[4].rgba;
    expect(edges.every((v, i) => i % 4 === 3 || v === edges[i - (i % 4)]), 'grey edges').toBe(true);
    // Shown crisp: an integer scale with pixelated rendering.
    const style = await images(page).nth(1).locator('canvas').evaluate((c) => [getComputedStyle(c).imageRendering, c.getBoundingClientRect().width]);
    expect(style).toEqual(['pixelated', 48 * 4]);
    await page.getByTestId('output').screenshot({ path: `${SHOTS}-example-${mode.toLowerCase()}.png` });
    seen[mode] = got;
  }
  // Graph mode draws the same pixels (within a step of float rounding).
  seen.Graph.forEach((g, k) => {
    const diff = g.rgba.reduce((m, v, i) => Math.max(m, Math.abs(v - seen.Eager[k].rgba[i])), 0);
    expect(diff, `${g.label}: graph vs eager`).toBeLessThanOrEqual(2);
  });
  // Compare shows both runs' images side by side and pairs them pixel by pixel.
  await page.getByRole('button', { name: '⇄ Compare' }).click();
  await expect(page.getByTestId('verdict')).toContainText('Outputs agree', { timeout: 60_000 });
  await expect(page.getByTestId('compare-eager').getByTestId('output-image')).toHaveCount(STAGES.length);
  await expect(page.getByTestId('compare-graph').getByTestId('output-image')).toHaveCount(STAGES.length);
  await shot(page, 'compare');
  expect(problems).toEqual([]);
});

// A 4×2 canvas of known colours (alpha 255: no premultiplication rounding), read with fromPixels in 3, 1 and 4
// channels, and a float32 [2, 3, 3] tensor of exact steps (k / 5) drawn with toPixels.
const COLOURS = ['#ff0000', '#00ff00', '#0000ff', '#ffffff', '#000000', '#804020', '#102030', '#fedcba'];
const RGB = COLOURS.map((c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)));
const STEPS = [
  [[0, 0.2, 0.4], [0.6, 0.8, 1], [1, 1, 1]],
  [[0.2, 0, 0], [0, 0.4, 0], [0, 0, 0.6]],
];
const KNOWN = `const known = canvas(4, 2, 'known colours');
const ctx = known.getContext('2d')!;
const colours = ${JSON.stringify(COLOURS)};
colours.forEach((c, i) => { ctx.fillStyle = c; ctx.fillRect(i % 4, Math.floor(i / 4), 1, 1); });
const rgb = wg.browser.fromPixels(known);
print('rgb', rgb.shape, rgb.dtype, Array.from(await rgb.data()).join(','));
print('grey', wg.browser.fromPixels(known, 1).shape);
print('rgba', Array.from(await wg.browser.fromPixels(known, 4).data()).join(','));
const steps = wg.tensor(${JSON.stringify(STEPS)});
const bytes = await wg.browser.toPixels(steps, canvas('toPixels of exact steps'));
print('bytes', Array.from(bytes).join(','));
`;

test('fromPixels reads known pixels, toPixels shows the expected bytes; a bad tensor is a clear error', async ({ page }) => {
  test.setTimeout(90_000);
  const problems = await open(page);
  const rgbaOut = STEPS.flat().flatMap((p) => [...p.map((v) => Math.round(v * 255)), 255]);
  for (const mode of ['Eager', 'Graph'] as const) {
    await setMode(page, mode);
    expect(await runSnippet(page, KNOWN), mode).toBe('done');
    const out = (await output(page)).split('\n');
    expect(out).toContain(`rgb [2,4,3] int32 ${RGB.flat().join(',')}`);
    expect(out).toContain('grey [2,4,1]');
    expect(out).toContain(`rgba ${RGB.flatMap((p) => [...p, 255]).join(',')}`);
    expect(out).toContain(`bytes ${rgbaOut.join(',')}`);
    const got = await shown(page);
    expect(got.map((g) => [g.label, g.width, g.height])).toEqual([
      ['known colours', 4, 2],
      ['toPixels of exact steps', 3, 2],
    ]);
    // The panel shows exactly the canvas's pixels and toPixels' bytes.
    expect(got[0].rgba).toEqual(RGB.flatMap((p) => [...p, 255]));
    expect(got[1].rgba).toEqual(rgbaOut);
    // In order with the printed lines: the first image before the prints, the second before 'bytes'.
    const lines = await page.getByTestId('output').locator('.line:not(.engine)').evaluateAll((els) => els.map((e) => e.getAttribute('data-label') ?? e.textContent!.split(' ')[0]));
    expect(lines).toEqual(['known colours', 'rgb', 'grey', 'rgba', 'toPixels of exact steps', 'bytes']);
  }
  await shot(page, 'known');

  // toPixels of a float tensor out of [0, 1]: an error line naming toPixels, linked to the snippet's line.
  expect(await runSnippet(page, `print('before');\nawait wg.browser.toPixels(wg.tensor([[[0, 0.5, 2]]]), canvas('bad'));\nprint('not reached');`)).toBe('failed');
  const error = page.getByTestId('output').locator('.line.error');
  await expect(error).toHaveCount(1);
  await expect(error).toContainText('toPixels');
  await expect(error.getByTestId('error-location')).toHaveText(/^line 2:/);
  await expect(page.getByTestId('output')).not.toContainText('not reached');
  // Its canvas was never drawn: shown blank, and said so.
  await expect(images(page)).toHaveCount(1);
  await expect(images(page).first()).toContainText('blank: nothing was drawn on it');
  await shot(page, 'error');

  // The next run works.
  expect(await runSnippet(page, KNOWN)).toBe('done');
  await expect(page.getByTestId('output').locator('.line.error')).toHaveCount(0);
  await expect(images(page)).toHaveCount(2);
  expect(problems).toEqual([]);
});

test('canvas() checks its arguments, and the run record keeps at most 32 images', async ({ page }) => {
  const problems = await open(page);
  expect(await runSnippet(page, `for (let i = 0; i < 40; i++) canvas(2, 2, 'c' + i).getContext('2d')!.fillRect(0, 0, 1, 1);`)).toBe('failed');
  await expect(images(page)).toHaveCount(32);
  await expect(page.getByTestId('output').locator('.line.error')).toContainText('a run can show at most 32 images');
  expect(await runSnippet(page, `canvas(0, 10);`)).toBe('failed');
  await expect(page.getByTestId('output').locator('.line.error')).toContainText('width must be an integer from 1 to 4096, got 0');
  // A snippet may still name its own variable canvas (canvas() is a global, not a parameter).
  expect(await runSnippet(page, `const canvas = 3;\nprint(canvas * 2);`)).toBe('done');
  await expect(page.getByTestId('output')).toHaveText('6');
  expect(problems).toEqual([]);
});
