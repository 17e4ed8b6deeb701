// The playground, built, served by a plain static server (no CORS headers), in headless Chromium with
// WebGPU: examples in both modes, keyboard runs, share links, error markers, stopping a runaway loop.
import { expect, test } from '@playwright/test';
import { SITE, finished, open, setMode } from './helpers';
import { EXAMPLES } from '../playground/src/examples';

const SHOTS = 'test-results/playground';





test('every example runs in eager and graph mode with the same output and no errors', async ({ page }) => {
  test.setTimeout(300_000);
  const problems = await open(page);
  for (const ex of EXAMPLES) {
    const outputs: Record<string, string> = {};
    for (const mode of ['Eager', 'Graph'] as const) {
      await setMode(page, mode);
      await page.getByLabel('Examples').selectOption(ex.id);
      const state = await finished(page);
      // The engine's placement log (dim lines) differs by mode: per op eagerly, per graph node in graph mode.
      const out = (await page.getByTestId('output').locator('.line:not(.engine)').allTextContents()).join('\n');
      if (ex.id === 'shape-error') {
        expect(state, `${ex.id} in ${mode}`).toBe('failed');
        expect(out).toContain('ShapeError');
        expect(out).toContain('[2,3] and [4]');
      } else {
        expect(state, `${ex.id} in ${mode}: ${out}`).toBe('done');
        expect(out.trim().length, `${ex.id} prints something`).toBeGreaterThan(0);
      }
      outputs[mode] = out;
      // The editor knows the API: no example has a type error (the shape error's marker is the run's).
      await page.waitForTimeout(500);
      const markers = await page.getByTestId('editor').getAttribute('data-markers');
      await expect(page.locator('.squiggly-error'), `${ex.id}: underlined errors ${markers}`).toHaveCount(ex.id === 'shape-error' ? 1 : 0);
      if (ex.id === 'chain') await page.screenshot({ path: `${SHOTS}-chain-${mode.toLowerCase()}.png` });
    }
    // Timings differ between modes (the matmul benchmark prints them); everything else must match.
    if (ex.id !== 'matmul-bench') expect(outputs.Graph, `${ex.id}: graph output equals eager output`).toBe(outputs.Eager);
  }
  expect(problems).toEqual([]);
});

test('typing the seed program and pressing Ctrl+Enter prints 8 in both modes', async ({ page }) => {
  const problems = await open(page);
  const editor = page.locator('.monaco-editor .view-lines').first();
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  // Monaco auto-closes brackets; type the parts it does not close itself.
  await page.keyboard.type('const c = wg.add(wg.constant(5), wg.constant(3');
  await page.keyboard.press('End');
  await page.keyboard.type(';');
  await page.keyboard.press('Enter');
  await page.keyboard.type('print(await c.numpy(');
  await page.keyboard.press('End');
  await page.keyboard.type(';');
  for (const mode of ['Eager', 'Graph'] as const) {
    await setMode(page, mode);
    await editor.click();
    await page.keyboard.press('Control+Enter');
    expect(await finished(page)).toBe('done');
    await expect(page.getByTestId('output')).toHaveText('8');
  }
  await page.screenshot({ path: `${SHOTS}-typed.png` });
  // A type error is underlined as it is typed (IntelliSense knows wg.tensor returns a Tensor).
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('const n: number = wg.tensor([1]);');
  await expect(page.locator('.squiggly-error')).toHaveCount(1, { timeout: 15_000 });
  expect(problems).toEqual([]);
});

test('a share link restores the code and the mode and does not run until Run', async ({ page, context }) => {
  await open(page);
  await page.getByLabel('Examples').selectOption('chain');
  await finished(page);
  await setMode(page, 'Graph');
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Share' }).click();
  const url = await page.locator('.share-url').inputValue();
  expect(url).toMatch(/#v1\/[A-Za-z0-9_-]+$/);

  const other = await context.newPage();
  const problems = await open(other, url.slice(url.indexOf('#')));
  await expect(other.getByTestId('banner')).toContainText('has not run');
  await expect(other.locator('.mode button', { hasText: 'Graph' })).toHaveAttribute('aria-checked', 'true');
  await expect(other.locator('.view-lines')).toContainText('wg.linspace');
  // Nothing ran: no status, no output.
  await expect(other.getByTestId('status')).toHaveAttribute('data-state', 'idle');
  await other.waitForTimeout(1000);
  await expect(other.getByTestId('status')).toHaveAttribute('data-state', 'idle');
  await other.screenshot({ path: `${SHOTS}-shared.png` });
  await other.getByRole('button', { name: '▶ Run' }).click();
  expect(await finished(other)).toBe('done');
  await expect(other.getByTestId('output')).toContainText('sum =');
  expect(problems).toEqual([]);
});

test('a corrupt share link shows a friendly message and the default example', async ({ page }) => {
  await open(page, '#v1/AAAA%%%not-base64');
  await expect(page.getByTestId('banner')).toContainText('could not be opened');
  await expect(page.locator('.view-lines')).toContainText('new wg.Graph()');
  await page.goto('about:blank');
  await page.goto(`${SITE}#v1/${'A'.repeat(40)}`);
  await expect(page.locator('.editor[data-status="ready"]')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('banner')).toContainText('damaged');
  await page.screenshot({ path: `${SHOTS}-corrupt-link.png` });
});

test('a thrown error shows in the output with a marker on its line', async ({ page }) => {
  await open(page);
  await page.getByLabel('Examples').selectOption('shape-error');
  expect(await finished(page)).toBe('failed');
  const lines = (await page.locator('.view-lines').textContent()) ?? '';
  expect(lines).toContain('print(a.add(b))');
  // The marker (a squiggle) is on line 5, `print(a.add(b));`, and the output links to it.
  await expect(page.getByTestId('error-location')).toHaveText(/^line 5:\d+$/);
  await expect(page.locator('.squiggly-error')).toHaveCount(1);
  const top = await page.locator('.squiggly-error').boundingBox();
  const line5 = await page.locator('.line-numbers', { hasText: /^5$/ }).boundingBox();
  expect(Math.abs(top!.y - line5!.y)).toBeLessThan(line5!.height);
  await page.screenshot({ path: `${SHOTS}-error.png` });
});

test('a runaway loop is stopped by Stop, and the next run works', async ({ page }) => {
  const problems = await open(page);
  const editor = page.locator('.monaco-editor .view-lines').first();
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('let n = 0;\nwhile (true) { n++; }');
  await page.getByRole('button', { name: '▶ Run' }).click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'running');
  // The frame reported its adapter before the snippet started spinning.
  await expect(page.getByTestId('adapter')).toContainText('WebGPU ·');
  // The page stays responsive while the frame spins (it runs in its own process): the clock keeps going.
  const clock = async () => Number(/([\d.]+) s$/.exec((await page.getByTestId('status').textContent()) ?? '')![1]);
  const t0 = await clock();
  await expect.poll(clock, { timeout: 10_000 }).toBeGreaterThan(t0 + 0.5);
  await page.getByRole('button', { name: '■ Stop' }).click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-state', 'stopped');
  await expect(page.locator('iframe')).toHaveCount(0);
  await page.getByLabel('Examples').selectOption('seed-eager');
  expect(await finished(page)).toBe('done');
  await expect(page.getByTestId('output')).toHaveText('8');
  expect(problems).toEqual([]);
});

test('Compare runs both modes side by side and they agree', async ({ page }) => {
  const problems = await open(page);
  await page.getByLabel('Examples').selectOption('chain');
  await finished(page);
  await page.getByRole('button', { name: '⇄ Compare' }).click();
  await expect(page.getByTestId('verdict')).toContainText('Outputs agree', { timeout: 60_000 });
  const kernels = async (mode: string) => Number(((await page.getByTestId(`compare-${mode}`).getByTestId('kernels').textContent()) ?? '').split(' ')[0]);
  expect(await kernels('graph')).toBeLessThan(await kernels('eager'));
  await page.screenshot({ path: `${SHOTS}-compare.png` });
  expect(problems).toEqual([]);
});
