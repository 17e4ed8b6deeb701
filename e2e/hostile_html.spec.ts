// Issue 26, "never executed": HTML that a snippet plants in everything it reports is shown as text, never run.
// The first snippet (run in both modes by ⇄ Compare) plants payloads in printed text (print, console.log,
// console.warn), an image's label, name scopes, a Graph placeholder's name, the node names of a graph loaded
// from JSON (a file's to choose, as a TensorFlow.js model's are), and the generated WGSL of every kernel (a
// comment line, added by patching Array.prototype.join inside the sandbox: whatever the frame reports is the
// snippet's to choose). Then every panel is visited: Compare, Output, Graph (drawing, tooltips, details, and
// the WGSL view highlighted by Monaco's colorize), Timings, Kernels, Optimisations, Memory, Learn. Two more
// snippets plant them in error messages: a thrown Error and a thrown string. Each payload WOULD run if
// inserted as HTML (an <img onerror>, an <svg onload>, a <script>); each panel is checked for the payloads
// shown as text, for none of them run (window.__pwned) or turned into an element, and for no page error.
import { expect, test, type Page } from '@playwright/test';
import { finished, graphReady, open, setCode, setMode, tab } from './helpers';

const ACT = 'parent.__pwned=(parent.__pwned||0)+1';
const IMG = `<img src=x onerror="${ACT}">`;
const SVG = `<svg onload="${ACT}">`;
const SCRIPT = `<script>${ACT}</script>`;
const ALL = `${IMG} ${SVG} ${SCRIPT}`;

/** Plants the payloads in every channel of a successful run (as snippet text: payloads as JSON strings). */
const PLANT = `// Hostile HTML in everything this run reports.
const IMG = ${JSON.stringify(IMG)};
const SVG = ${JSON.stringify(SVG)};
const SCRIPT = ${JSON.stringify(SCRIPT)};
const ALL = \`\${IMG} \${SVG} \${SCRIPT}\`;
// Kernel source: every shader the engine generates gets a comment line with the payloads.
const join = Array.prototype.join;
Array.prototype.join = function (this: unknown[], sep?: string) {
  const s = join.call(this, sep);
  return sep === '\\n' && typeof this[0] === 'string' && this[0].startsWith('// wgflow kernel:') ? \`\${s}\\n// \${ALL}\` : s;
};
print(ALL);
console.log(ALL);
console.warn(ALL);
canvas(4, 4, IMG);
const x = wg.tensor([0.5, 1, 1.5, 2]);
const y = wg.nameScope(IMG, () => wg.nameScope(SVG, () => wg.tanh(x.mul(2)).add(1)));
print((await y.sum().data())[0].toFixed(3));
// A Graph with a named placeholder, saved and loaded back with every node renamed (a saved graph's node
// names are the file's to choose, as a TensorFlow.js model's are): they reach the drawing, Timings, Kernels and Optimisations.
const g = new wg.Graph();
const out = g.build(() => {
  const p = g.placeholder('float32', [4], IMG);
  return wg.nameScope(SVG, () => wg.exp(p.neg()).mul(3));
});
g.output('y', out);
const json = g.toJSON();
for (const n of json.nodes) if (n.op !== 'placeholder') n.name = \`\${ALL} #\${n.id}\`;
print(await new wg.Session(wg.Graph.fromJSON(json)).run('y', { [IMG]: [1, 2, 3, 4] }));
`;

/** Plants them in error messages: a thrown Error, and a thrown string (not an Error). */
const THROW_ERROR = `throw new Error(${JSON.stringify(IMG)});\n`;
const THROW_STRING = `throw ${JSON.stringify(`${SVG} ${SCRIPT}`)};\n`;

/** Nothing planted ran, and no element of a payload exists anywhere in the page. */
async function nothingRan(page: Page, where: string): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), `${where}: a payload ran`).toBeUndefined();
  const planted = await page.evaluate(() => ({
    img: document.querySelectorAll('img[src="x"], [onerror]').length,
    svg: document.querySelectorAll('svg[onload], [onload]').length,
    script: [...document.querySelectorAll('script')].filter((s) => s.textContent?.includes('__pwned')).length,
  }));
  expect(planted, `${where}: a payload became an element`).toEqual({ img: 0, svg: 0, script: 0 });
}

/** How many times `part` occurs in `text`. */
const count = (text: string, part: string) => text.split(part).length - 1;

/** Whether some element under `testId` has a tooltip (title attribute) containing `part`. */
const inTooltip = (page: Page, testId: string, part: string) =>
  page.getByTestId(testId).evaluate((el, p) => [...el.querySelectorAll('[title]')].some((e) => e.getAttribute('title')!.includes(p)), part);

test('HTML planted in printed text, errors, names and kernel source is shown as text and never runs', async ({ page }) => {
  const problems = await open(page);
  await setCode(page, PLANT);
  await page.getByRole('button', { name: '⇄ Compare' }).click();
  await expect(page.getByTestId('verdict')).toContainText('Outputs agree', { timeout: 60_000 });
  await expect(page.getByTestId('status')).toHaveText(/^done · graph/);

  // Compare: both outputs show the printed payloads (print, console.log, console.warn) literally.
  for (const mode of ['eager', 'graph']) expect(count(await page.getByTestId(`compare-${mode}`).innerText(), ALL), mode).toBe(3);
  await nothingRan(page, 'Compare');

  // Output (the graph run): the same, and the image's label.
  await tab(page, 'Output');
  const printed = await page.getByTestId('output').innerText();
  expect(count(printed, ALL)).toBe(3);
  expect(count(printed, IMG)).toBe(4);
  await nothingRan(page, 'Output');

  // Graph, the withMode plan: the scope path in a node's details, and the kernel's WGSL through Monaco's
  // colorize, coloured, its comment line the literal payloads.
  await tab(page, 'Graph');
  await graphReady(page);
  await page.locator('[data-testid="graph-node"][data-op="tanh"]').click();
  const details = page.getByTestId('node-details');
  await expect(details.getByTestId('node-scope')).toHaveText(`${IMG}/${SVG}`);
  const wgsl = details.getByTestId('node-wgsl');
  await expect(wgsl).toHaveAttribute('data-highlighted', 'true');
  const comment = wgsl.locator('.gv-lc').last();
  await expect(comment).toHaveText(`// ${ALL}`);
  await expect(comment.locator('span[class^="mtk"]').first()).toBeVisible();
  expect(await wgsl.locator('.gv-lc span[class^="mtk"]').count()).toBeGreaterThan(50);
  await comment.scrollIntoViewIfNeeded();
  await wgsl.screenshot({ path: 'test-results/hostile-html-wgsl.png' });
  await nothingRan(page, 'Graph: WGSL');

  // Graph, the Session's plan: the placeholder's name and the loaded nodes' names on the drawing (titles and
  // tooltips) and in the details.
  await page.getByTestId('graph-choice').selectOption({ index: 1 });
  await graphReady(page);
  const placeholder = page.locator('[data-testid="graph-node"][data-op="placeholder"]');
  await expect(placeholder.locator('title')).toContainText(IMG);
  await expect(placeholder).toContainText(IMG.slice(0, 20));
  const exp = page.locator('[data-testid="graph-node"][data-op="exp"]');
  await expect(exp.locator('title')).toContainText(ALL);
  await exp.click();
  await expect(details.locator('h3')).toContainText(ALL);
  await expect(details.getByTestId('node-scope')).toHaveText(SVG);
  await expect(details.getByTestId('node-wgsl')).toContainText(`// ${ALL}`);
  await nothingRan(page, 'Graph');

  // Timings: the loaded nodes' names in the rows' tooltips.
  await tab(page, 'Timings');
  await expect(page.getByTestId('timing-row').first()).toBeVisible();
  expect(await inTooltip(page, 'timings', ALL)).toBe(true);
  await nothingRan(page, 'Timings');

  // Kernels: the nodes each kernel covers, and the WGSL of each (the panel's own highlighter).
  await tab(page, 'Kernels');
  const kernels = page.getByTestId('kernels');
  await expect(kernels).toContainText(`${ALL} #2 = exp`);
  await expect(kernels.getByTestId('wgsl').first()).toContainText(`// ${ALL}`);
  await nothingRan(page, 'Kernels');

  // Optimisations: the plans' kernels and the nodes they cover.
  await tab(page, 'Optimisations');
  await expect(page.getByTestId('optimisations')).toContainText(ALL);
  await nothingRan(page, 'Optimisations');

  // Memory and Learn: no text a snippet chooses reaches them (Learn shows the site's own snippets).
  for (const name of ['Memory', 'Learn']) {
    await tab(page, name);
    await expect(page.getByTestId(name.toLowerCase())).toBeVisible();
    expect(await page.getByTestId(name.toLowerCase()).innerText()).not.toContain('__pwned');
    await nothingRan(page, name);
  }

  // Error messages: a thrown Error, then a thrown string. (The editor underlines the line with the message as
  // its marker's text; the playground's Monaco bundles no hover, so the marker is never rendered as a widget.)
  await setMode(page, 'Eager');
  await tab(page, 'Output');
  await setCode(page, THROW_ERROR);
  await page.getByRole('button', { name: '▶ Run', exact: true }).click();
  expect(await finished(page)).toBe('failed');
  await expect(page.getByTestId('output')).toContainText(IMG);
  await setCode(page, THROW_STRING);
  await page.getByRole('button', { name: '▶ Run', exact: true }).click();
  expect(await finished(page)).toBe('failed');
  await expect(page.getByTestId('output')).toContainText(`${SVG} ${SCRIPT}`);
  await nothingRan(page, 'errors');
  expect(problems).toEqual([]);
});
