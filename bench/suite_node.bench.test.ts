// `npm run bench -- --node`: wgflow's workloads (eager and graph, on WebGPU and on its CPU device) in Node, on
// Dawn's WebGPU (npm `webgpu`), with the suite the browser runs (bench/suite/): the same problems, checks and
// timing. Peers are browser libraries and stay out. Prints the table and, when the browser suite ran first in
// the same `npm run bench`, wgflow's figures in both places side by side; JSON to bench/results/node-*.json.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { test } from 'vitest';
import * as engine from '../engine/index';
import { wgflowLibs } from './suite/libs/wgflow_core';
import { parseOptions } from './suite/options';
import { fmt, table, type SuiteRecord } from './suite/report';
import { Suite } from './suite/suite';
import type { LibId } from './suite/types';

const RESULTS = 'bench/results';
const started = Date.now();
const given = existsSync(`${RESULTS}/.options.json`) ? JSON.parse(readFileSync(`${RESULTS}/.options.json`, 'utf8')) : {};
const options = parseOptions(given);
const all = [...wgflowLibs(engine), ...wgflowLibs(engine, 'cpu')];
const libs = all.filter((l) => options.libs.includes(l.id));
const suite = new Suite(options, libs, undefined, (line) => console.log(line));
const TIMEOUT = 600_000;

test('set-up: WebGPU through Dawn', async () => {
  const info = engine.backendInfo();
  if (info.backend !== 'webgpu') throw new Error(`Node bench: no WebGPU through Dawn (${info.reason}); see README "Use in Node"`);
  await suite.setup();
}, TIMEOUT);

for (const step of suite.steps()) {
  if (step.workload === 'cold') continue; // cold start measures a page load
  test(`${step.workload} ${step.size}`, async () => void (await suite.run(step)), TIMEOUT);
}

test('report', () => {
  const info = engine.backendInfo();
  const record = suite.record({ runtime: `Node ${process.versions.node}`, adapter: info.adapter, webgpu: 'npm webgpu (Dawn)' });
  const json = JSON.stringify(record, null, 1);
  const stamp = record.date.replace(/[:.]/g, '-');
  writeFileSync(`${RESULTS}/node-${stamp}.json`, json);
  writeFileSync(`${RESULTS}/node-latest.json`, json);
  console.log(`\nNode ${process.versions.node}, ${info.adapter?.description ?? 'no adapter'} (Dawn)\n\n${suite.report()}`);
  const side = sideBySide(record);
  if (side) console.log(`\n${side}`);
  console.log(`\nSuite time ${(record.totalMs / 1000).toFixed(0)} s; JSON: ${RESULTS}/node-${stamp}.json (and node-latest.json)`);
}, TIMEOUT);

/** wgflow's medians in the browser (this run's latest.json) and in Node, with Node ÷ browser. */
function sideBySide(node: SuiteRecord): string | undefined {
  const file = `${RESULTS}/latest.json`;
  // Only a browser record written by this same `npm run bench` (within the last hour, before this suite).
  if (!existsSync(file) || statSync(file).mtimeMs < started - 3_600_000) return undefined;
  const browser = JSON.parse(readFileSync(file, 'utf8')) as SuiteRecord;
  const median = (r: SuiteRecord, label: string, lib: LibId) => {
    const cell = r.rows.find((x) => x.label === label)?.cells[lib];
    return cell?.status === 'ok' ? cell.median : undefined;
  };
  const body: string[][] = [];
  for (const row of node.rows) {
    for (const lib of libs) {
      const b = median(browser, row.label, lib.id);
      const n = median(node, row.label, lib.id);
      if (n === undefined && b === undefined) continue;
      body.push([row.label, lib.label, fmt(b), fmt(n), b && n ? `${(n / b).toFixed(2)}×` : '—', row.unit]);
    }
  }
  if (body.length === 0) return undefined;
  return 'wgflow in the browser and in Node (medians; Node ÷ browser < 1: Node faster)\n' +
    table(['workload', 'library', 'browser', 'Node', 'Node ÷ browser', 'unit'], body);
}
