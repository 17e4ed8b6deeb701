// The built playground page loads the engine on real WebGPU and shows the seed program's result.
import { expect, test } from '@playwright/test';

test('placeholder playground runs both seed programs (eager and Graph + Session) on WebGPU', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.locator('body[data-ready="true"]')).toBeVisible();
  await expect(page.locator('#eager-result')).toHaveText('8');
  await expect(page.locator('#graph-result')).toHaveText('8');
  await expect(page.locator('#backend')).toContainText('webgpu');
  const chain = JSON.parse((await page.locator('#chain-result').textContent()) ?? 'null') as number[];
  // tanh(relu(1.5x + 0.5) - x) * 2 + exp(-x²) at x = -2..2, computed here in plain JS.
  const ref = [-2, -1, 0, 1, 2].map((x) => Math.tanh(Math.max(1.5 * x + 0.5, 0) - x) * 2 + Math.exp(-x * x));
  chain.forEach((v, i) => expect(v).toBeCloseTo(ref[i], 3));
  expect(errors).toEqual([]);
  await page.screenshot({ path: 'test-results/playground.png', fullPage: true });
});
