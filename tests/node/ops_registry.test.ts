// The op registry and what is derived from it: the generated exports (engine/api/ops.gen.ts) and the op
// table of docs/ops.md are current; every op is exported, a Tensor method where declared, recordable and
// validated from JSON by its schema. `npm run gen:ops` (WGFLOW_UPDATE_GENERATED=1) rewrites the outputs.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { OP_DEFS } from '../../engine/api/registry';
import type { OpDef } from '../../engine/api/define';
import { memberName } from '../../engine/ops/registry';
import { FIXTURE_FILES } from '../helpers/ops_cases';
import { generateMethodsModule, generateOpsModule, generateOpsTable, withOpsTable } from '../../scripts/gen_ops';

const ROOT = join(__dirname, '../..');
const DEFS = OP_DEFS as unknown as Record<string, OpDef>;
const update = process.env.WGFLOW_UPDATE_GENERATED === '1';

function fixtureCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of FIXTURE_FILES) {
    const { cases } = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures', f), 'utf8')) as { cases: { op: string }[] };
    for (const c of cases) counts.set(c.op, (counts.get(c.op) ?? 0) + 1);
  }
  return counts;
}

/** Compares a generated file with what is committed, or rewrites it under `npm run gen:ops`. */
function checkGenerated(path: string, want: string) {
  const file = join(ROOT, path);
  if (update) writeFileSync(file, want);
  expect(readFileSync(file, 'utf8'), `${path} is stale: run \`npm run gen:ops\``).toBe(want);
}

describe('op registry', () => {
  test('engine/api/ops.gen.ts and methods.gen.ts are generated from the registry', () => {
    checkGenerated('engine/api/ops.gen.ts', generateOpsModule(DEFS));
    checkGenerated('engine/api/methods.gen.ts', generateMethodsModule(DEFS));
  });

  test("docs/ops.md's op table is generated from the registry", () => {
    const md = readFileSync(join(ROOT, 'docs/ops.md'), 'utf8');
    checkGenerated('docs/ops.md', withOpsTable(md, generateOpsTable(DEFS, fixtureCounts())));
  });

  test('every op is a public function, and a Tensor method where its definition says so', () => {
    const api = wg as unknown as Record<string, unknown>;
    for (const [name, def] of Object.entries(DEFS)) {
      const fn = def.namespace ? (api[def.namespace] as Record<string, unknown>)[memberName(name, def.namespace)] : api[name];
      const shown = def.namespace ? `wg.${def.namespace}.${memberName(name, def.namespace)}` : `wg.${name}`;
      expect(typeof fn, shown).toBe('function');
      expect((fn as { name: string }).name, `${shown} records as "${name}"`).toBe(name);
      if (def.namespace) expect(api[name], `${name} is public only as ${shown}`).toBeUndefined();
      for (const alias of def.aliases ?? []) expect(api[alias], `wg.${alias}`).toBe(api[name]);
      expect(Object.hasOwn(wg.Tensor.prototype, name), `Tensor.prototype.${name}`).toBe(Boolean(def.method));
    }
  });

  test('every definition has a doc line and a well-formed schema', () => {
    for (const [name, def] of Object.entries(DEFS)) {
      expect(def.doc.length, `${name}: doc`).toBeGreaterThan(2);
      expect(def.doc.includes('\n'), `${name}: one line`).toBe(false);
      const restAt = def.params.findIndex((q) => q.rest);
      expect(restAt === -1 || restAt === def.params.length - 1, `${name}: rest parameter last`).toBe(true);
      const firstOptional = def.params.findIndex((q) => q.optional);
      if (firstOptional >= 0) expect(def.params.slice(firstOptional).every((q) => q.optional), `${name}: optional after required`).toBe(true);
      if (def.method) expect(def.params[0]?.kind, `${name}: a method's first parameter is the tensor`).toMatch(/^tensor/);
    }
  });

  test('a graph loaded from JSON is validated against the schema, naming the node and the argument', () => {
    const g = new wg.Graph();
    g.build(() => wg.sum(g.placeholder('float32', [3], 'x'), 0));
    const json = g.toJSON();
    const sumNode = json.nodes.find((n) => n.op === 'sum')!;
    sumNode.args[1] = 'zero' as never;
    expect(() => wg.Graph.fromJSON(json)).toThrow(/node 1 \("sum"\): sum argument 2 \(axis\) must be Axis, got "zero"/);
    sumNode.args[1] = 0;
    sumNode.args.push(true, 7 as never);
    expect(() => wg.Graph.fromJSON(json)).toThrow(/sum takes at most 3 arguments/);
  });
});
