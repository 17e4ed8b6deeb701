// Shared by the playground specs: the built site on the plain static server of playwright.config.ts (no
// CORS headers), opening it, switching the mode and tabs, running an example, and waiting for a run or a layout.
import { expect, type Page } from '@playwright/test';

/** WGFLOW_PLAYGROUND_SITE points the specs at another copy of the site (a private build while iterating). */
export const SITE = process.env.WGFLOW_PLAYGROUND_SITE ?? 'http://127.0.0.1:4180/';

/**
 * Opens the playground (each test has a fresh browser context: empty storage) and waits for the editor.
 * Returns a list that collects page errors and console errors from then on.
 */
export async function open(page: Page, hash = '', viewport = { width: 1440, height: 900 }): Promise<string[]> {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
  });
  await page.setViewportSize(viewport);
  await page.goto(`${SITE}${hash}`);
  await expect(page.locator('.editor[data-status="ready"]')).toBeVisible({ timeout: 60_000 });
  return problems;
}

export async function setMode(page: Page, mode: 'Eager' | 'Graph'): Promise<void> {
  await page.locator('.mode button', { hasText: mode }).click();
  await expect(page.locator('.mode button', { hasText: mode })).toHaveAttribute('aria-checked', 'true');
}

/** Waits until the run in progress ends; returns its final state. */
export async function finished(page: Page): Promise<string> {
  const status = page.getByTestId('status');
  await expect(status).not.toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  await expect(status).not.toHaveAttribute('data-state', 'idle');
  return (await status.getAttribute('data-state'))!;
}

/** Runs a built-in example in a mode (opening it runs it) and expects the run to succeed. */
export async function runExample(page: Page, id: string, mode: 'Eager' | 'Graph'): Promise<void> {
  await setMode(page, mode);
  await page.getByLabel('Examples').selectOption(id);
  expect(await finished(page), `${id} in ${mode}`).toBe('done');
}

/** Opens one of the side pane's tabs. */
export const tab = (page: Page, name: string) => page.getByRole('tab', { name, exact: true }).click();

/** Waits until the Graph panel has drawn its layout. */
export async function graphReady(page: Page, timeout = 30_000): Promise<void> {
  await expect(page.getByTestId('graph-panel')).toHaveAttribute('data-state', 'ready', { timeout });
}

/** Replaces the editor's text (inserted as one edit: Monaco's auto-closing of brackets does not apply). */
export async function setCode(page: Page, code: string): Promise<void> {
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(code);
}
