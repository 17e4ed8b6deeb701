// Graphs saved in the browser run in Node with the same outputs: the playground's "Save graph" (examples run in
// Graph mode), a graph built in a page with the library (g.save()), and the committed public/examples; each file
// runs in a page (wg.Session on WebGPU) and in Node on Dawn (bin/wgflow.mjs run --json), element by element.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import type * as WG from '../engine/index';
import { CHAIN, MLP, chainReference, mlpReference } from '../scripts/examples';
import { finished, graphReady, open, runExample, setMode, tab } from './helpers';
import { dawnEnv } from '../scripts/dawn_env.mjs';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'bin/wgflow.mjs');
const SHOTS = 'test-results/cross-platform';
let scratch = '';
/** The environment Dawn needs (scripts/dawn_env.mjs: Chromium's SwiftShader as the Vulkan driver). */
let env: NodeJS.ProcessEnv = {};

type Outputs = Record<string, unknown>;

/** `node bin/wgflow.mjs …` with Dawn's environment; its stdout (the command must succeed). */
function wgflow(args: string[]): string {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', env, timeout: 120_000, maxBuffer: 1 << 28 });
  expect(r.status, `wgflow ${args.join(' ')}: ${r.error?.message ?? r.signal ?? ''}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

/** The outputs of a graph file run by the CLI in Node. */
function runInNode(file: string, feeds: Record<string, string> = {}): Outputs {
  const feedArgs = Object.entries(feeds).flatMap(([name, path]) => ['--feed', `${name}=${path}`]);
  return (JSON.parse(wgflow(['run', file, '--json', ...feedArgs])) as { outputs: Outputs }).outputs;
}

/** A page of the site with nothing on it, to import the library into (same origin as /wgflow.js). */
async function libraryPage(context: BrowserContext, baseURL: string): Promise<Page> {
  const page = await context.newPage();
  await page.route(`${baseURL}/cross-platform.html`, (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>wgflow</title>' }));
  await page.goto(`${baseURL}/cross-platform.html`);
  return page;
}

/** Loads graph JSON in the page with wg.Graph.fromJSON and fetches every named output with a Session. */
async function runInPage(page: Page, json: unknown, feeds: Record<string, unknown> = {}): Promise<Outputs> {
  const { backend, outputs } = await page.evaluate(
    async ({ json, feeds }) => {
      const url = '/wgflow.js';
      const wg = (await import(url)) as typeof WG;
      const g = wg.Graph.fromJSON(json);
      const s = new wg.Session(g);
      try {
        const outs = await Promise.all([...g.outputs.keys()].map(async (k) => [k, await s.run(k, feeds as WG.Feeds)] as const));
        return { backend: wg.backendInfo().backend, outputs: Object.fromEntries(outs) };
      } finally {
        s.close();
        g.dispose();
      }
    },
    { json, feeds },
  );
  expect(backend, 'the page runs on WebGPU').toBe('webgpu');
  return outputs;
}

const flat = (v: unknown): unknown[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);
const shapeOf = (v: unknown): number[] => (Array.isArray(v) ? [v.length, ...shapeOf(v[0])] : []);

/**
 * Same names, shapes and values: within 1e-5 relative + 1e-6 absolute (NaN, which JSON writes as null, matches
 * NaN). Returns how many values it compared.
 */
function expectSame(browser: Outputs, node: Outputs, what: string): number {
  let compared = 0;
  expect(Object.keys(node).sort(), `${what}: output names`).toEqual(Object.keys(browser).sort());
  for (const [name, b] of Object.entries(browser)) {
    const n = node[name];
    expect(shapeOf(n), `${what} ${name}: shape`).toEqual(shapeOf(b));
    const bs = flat(b);
    const ns = flat(n);
    expect(ns.length, `${what} ${name}: size`).toBe(bs.length);
    const bad = bs.flatMap((x, i) => {
      const y = ns[i];
      if (typeof x !== 'number' || typeof y !== 'number') return x === y || (Number.isNaN(x) && y === null) ? [] : [`[${i}] ${x} vs ${y}`];
      return Math.abs(x - y) <= 1e-6 + 1e-5 * Math.abs(x) ? [] : [`[${i}] browser ${x}, node ${y}`];
    });
    expect(bad.slice(0, 5), `${what} ${name}: ${bad.length} of ${bs.length} values differ`).toEqual([]);
    compared += bs.length;
  }
  return compared;
}

test.beforeAll(async () => {
  env = { ...process.env, ...dawnEnv() };
  scratch = mkdtempSync(join(tmpdir(), 'wgflow-xplat-'));
  // The site's build (playwright.config.ts) writes the Node bundle too; without it the CLI would compile the
  // engine through Vite on every run.
  expect(existsSync(join(root, 'dist/wgflow.node.js')), 'dist/wgflow.node.js (vite build writes it)').toBe(true);
  const info = JSON.parse(wgflow(['info', '--json'])) as { backend: string; reason?: string };
  expect(info.backend, `Node must run on WebGPU (Dawn), not the CPU: ${info.reason ?? ''}`).toBe('webgpu');
});
test.afterAll(() => rmSync(scratch, { recursive: true, force: true }));

for (const id of ['chain', 'mlp', 'softmax-layernorm', 'devices']) {
  test(`the ${id} example: every graph of its Graph-mode run, saved from the Graph panel, gives the same outputs in Node`, async ({ page, context, baseURL }) => {
    test.setTimeout(120_000);
    const problems = await open(page);
    await runExample(page, id, 'Graph');
    const printed = (await page.getByTestId('output').textContent()) ?? '';
    await tab(page, 'Graph');
    await graphReady(page);

    // The run's graphs: the choice list when there are several, else the one shown.
    const choice = page.getByTestId('graph-choice');
    const options = (await choice.count()) > 0 ? await choice.locator('option').evaluateAll((os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent ?? ''])) : [['', 'Graph 1 · withMode']];
    const graphs = options.filter(([, label]) => label.includes('withMode'));
    expect(graphs.length, 'graph mode computed at least one graph').toBeGreaterThan(0);

    const lib = await libraryPage(context, baseURL!);
    let compared = 0;
    let checkedSum = false;
    for (const [value, label] of graphs) {
      if (value) await choice.selectOption(value);
      const save = page.getByTestId('save-graph');
      await expect(save, `${label}: Save graph is enabled`).toBeEnabled();
      const [download] = await Promise.all([page.waitForEvent('download'), save.click()]);
      const n = Number(/^Graph (\d+)/.exec(label)![1]);
      expect(download.suggestedFilename()).toBe(`wgflow-graph-${n}.json`);
      const file = join(scratch, `${id}-${n}.json`);
      await download.saveAs(file);
      const json = JSON.parse(readFileSync(file, 'utf8')) as WG.GraphJSON;
      expect(json.format).toBe('wgflow.graph');
      expect(Object.keys(json.outputs)[0]).toBe('out0');

      const browser = await runInPage(lib, json);
      compared += expectSame(browser, runInNode(file), `${id} ${label}`);
      if (id === 'chain' && shapeOf(browser.out0).length === 0) {
        // The chain's second readback is its sum: the saved graph computes what the run printed.
        expect(printed).toContain(`sum = ${(browser.out0 as number).toFixed(3)}`);
        checkedSum = true;
      }
    }
    expect(checkedSum || id !== 'chain', 'the chain run saved its sum').toBe(true);
    test.info().annotations.push({ type: 'compared', description: `${graphs.length} graph(s), ${compared} values` });
    await page.locator('.side').screenshot({ path: `${SHOTS}-${id}.png` });
    await lib.close();
    expect(problems).toEqual([]);
  });
}

test('a graph the snippet runs in its own Session is not saved from the panel: the button says why', async ({ page }) => {
  const problems = await open(page);
  await runExample(page, 'seed-graph', 'Graph');
  await tab(page, 'Graph');
  await graphReady(page);
  await expect(page.getByTestId('save-graph')).toBeDisabled();
  await expect(page.locator('.gv-save')).toHaveAttribute('title', /await g\.save\(\)/);
  await page.locator('.side').screenshot({ path: `${SHOTS}-session.png` });
  expect(problems).toEqual([]);
});

test('a Graph-mode run keeps its graphs until the next run: its frame stays, Memory says what they hold, the next run frees them', async ({ page }) => {
  const problems = await open(page);
  await runExample(page, 'chain', 'Graph');
  await expect(page.locator('iframe')).toHaveCount(1);
  await tab(page, 'Memory');
  await expect(page.getByTestId('memory-verdict')).toContainText('No tensor outlived the run');
  await expect(page.getByTestId('memory-verdict')).toContainText('2 graphs kept for "Save graph"');
  await setMode(page, 'Eager');
  await page.getByRole('button', { name: '▶ Run' }).click();
  expect(await finished(page)).toBe('done');
  await expect(page.locator('iframe')).toHaveCount(0);
  await expect(page.getByTestId('memory-verdict')).toContainText('No leak');
  expect(problems).toEqual([]);
});

test('an MLP built in a page with the library, saved with g.save(), runs in Node with the same outputs for a fed input', async ({ context, baseURL }) => {
  const page = await libraryPage(context, baseURL!);
  const x = Array.from({ length: 5 }, (_, i) => Array.from({ length: 6 }, (_, j) => Math.round(Math.sin(i * 6 + j) * 100) / 50));
  const { json, outputs, backend } = await page.evaluate(async (feed) => {
    const url = '/wgflow.js';
    const wg = (await import(url)) as typeof WG;
    // Fixed weights from a formula: w[i][j] = cos(seed + i·k + j) / 2, biases likewise.
    const weights = (rows: number, cols: number, seed: number) =>
      wg.tensor(Float32Array.from({ length: rows * cols }, (_, k) => Math.cos(seed + Math.floor(k / cols) * 1.7 + (k % cols)) / 2), [rows, cols]);
    const g = new wg.Graph();
    g.build(() => {
      const input = g.placeholder('float32', [null, 6], 'x');
      const h = wg.relu(wg.matMul(input, weights(6, 16, 1)).add(weights(1, 16, 2).reshape([16])));
      const logits = wg.matMul(h, weights(16, 3, 3)).add(weights(1, 3, 4).reshape([3]));
      g.output('logits', logits);
      g.output('probs', wg.softmax(logits));
    });
    const saved = await g.save();
    const s = new wg.Session(g);
    const outs = (await s.run({ logits: 'logits', probs: 'probs' }, { x: feed })) as Outputs;
    s.close();
    g.dispose();
    return { json: saved, outputs: outs, backend: wg.backendInfo().backend };
  }, x);
  expect(backend, 'the page runs on WebGPU').toBe('webgpu');
  const file = join(scratch, 'page-mlp.json');
  const feed = join(scratch, 'page-mlp-x.json');
  writeFileSync(file, JSON.stringify(json));
  writeFileSync(feed, JSON.stringify(x));
  expectSame(outputs, runInNode(file, { x: feed }), 'page MLP');
  for (const row of outputs.probs as number[][]) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  await page.close();
});

test('the committed public/examples (chain.json, mlp.json) give the same outputs in the page and in Node', async ({ context, baseURL }) => {
  const page = await libraryPage(context, baseURL!);
  const cases = [
    { name: 'chain', feed: CHAIN.feed, check: (o: Outputs) => (o.y as number[]).forEach((v, i) => expect(v).toBeCloseTo(chainReference(CHAIN.feed)[i], 4)) },
    { name: 'mlp', feed: MLP.feed, check: (o: Outputs) => mlpReference(MLP.feed).forEach((row, i) => row.forEach((p, j) => expect((o.probs as number[][])[i][j]).toBeCloseTo(p, 4))) },
  ];
  for (const { name, feed, check } of cases) {
    const file = join(root, `public/examples/${name}.json`);
    const browser = await runInPage(page, JSON.parse(readFileSync(file, 'utf8')), { x: feed });
    check(browser);
    const feedFile = join(scratch, `${name}-x.json`);
    writeFileSync(feedFile, JSON.stringify(feed));
    expectSame(browser, runInNode(file, { x: feedFile }), name);
  }
  await page.close();
});
