// The op table kept honest: every op of TensorFlow.js's converter op lists (the pinned @tensorflow/tfjs-converter,
// read from node_modules) for the families wave 2 covers is translated or excluded with a reason, in its family's
// file of engine/io/tfjs/ops/. A model with an op outside the table gets one UnsupportedOpError listing them all.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { FAMILIES, OP_TABLE } from '../../engine/io/tfjs/ops/index';
import { GraphModel } from '../../engine/io/tfjs/graph_model';
import { UnsupportedOpError } from '../../engine/io/tfjs/convert';
import { parseModelJson } from '../../engine/io/tfjs/model_json';

const require = createRequire(import.meta.url);
const LISTS = require.resolve('@tensorflow/tfjs-converter/package.json').replace(/package\.json$/, 'dist/operations/op_list/');

/** The tfOpNames of a converter op list. */
function opList(family: string): string[] {
  const src = readFileSync(`${LISTS}${family}.js`, 'utf8');
  return [...src.matchAll(/['"]?tfOpName['"]?\s*:\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

describe('the TensorFlow.js op table', () => {
  test.each(Object.keys(FAMILIES))('%s: every op of the converter list is translated or excluded with a reason', (family) => {
    const listed = opList(family);
    expect(listed.length, `op list ${family}`).toBeGreaterThan(0);
    const { ops, excluded } = FAMILIES[family];
    const missing = listed.filter((op) => !(op in ops) && !(op in excluded));
    expect(missing, `${family}: neither translated nor excluded`).toEqual([]);
    for (const [op, why] of Object.entries(excluded)) {
      expect(op in ops, `${family}: ${op} is both translated and excluded`).toBe(false);
      expect(why.length, `${family}: ${op} is excluded without a reason`).toBeGreaterThan(10);
    }
  });

  test('a model with unsupported ops and control flow: one error listing each op type and a node of it', () => {
    const node = (name: string, op: string, input: string[] = []) => ({ name, op, input, attr: {} });
    const json = {
      format: 'graph-model',
      modelTopology: {
        node: [
          { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '2' }] } } } },
          node('s', 'Switch', ['x', 'x']),
          node('m', 'Merge', ['s', 's:1']),
          node('h', 'LookupTableFindV2', ['x']),
          node('h2', 'LookupTableFindV2', ['h']),
          node('y', 'Relu', ['m']),
        ],
      },
      weightsManifest: [],
    };
    const parsed = parseModelJson(json);
    let err: unknown;
    try {
      new GraphModel(parsed, new Map());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsupportedOpError);
    const e = err as UnsupportedOpError;
    expect(e.ops).toEqual([{ op: 'Switch', node: 's' }, { op: 'Merge', node: 'm' }, { op: 'LookupTableFindV2', node: 'h' }]);
    expect(e.message).toContain('3 op types');
    expect(e.message).toContain('Switch (e.g. node "s")');
    expect(e.message).toMatch(/Switch, Merge are control flow/);
    expect('Relu' in OP_TABLE).toBe(true);
  });
});
