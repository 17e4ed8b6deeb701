// wg.nameScope: graph nodes and eager trace ops carry the '/'-joined scope path they were made in; save/load keeps it.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';

describe('wg.nameScope', () => {
  test('graph nodes get the full path, nested with /; outside every scope they have none', async () => {
    const g = new wg.Graph();
    const { y } = g.build(() => {
      const x = g.placeholder('float32', [2], 'x');
      const h = wg.nameScope('model', () => {
        const a = wg.nameScope('dense', () => x.mul(2).add(1));
        expect(wg.nameScope('inner/path', () => 7)).toBe(7); // returns fn's value; a name may be a path
        return wg.nameScope('act', () => wg.relu(a));
      });
      return { y: h.sub(1) };
    });
    const scopes = Object.fromEntries(g.nodes.map((n) => [n.op, n.scope]));
    expect(scopes).toEqual({ placeholder: undefined, mul: 'model/dense', add: 'model/dense', relu: 'model/act', sub: undefined });
    expect(g.nodes.filter((n) => n.scope === undefined).every((n) => !('scope' in n))).toBe(true);

    // Save/load keeps scopes; files without them (older ones) load without.
    const json = await g.save();
    expect(json.nodes.map((n) => n.scope)).toEqual([undefined, 'model/dense', 'model/dense', 'model/act', undefined]);
    const g2 = wg.nameScope('outer', () => wg.Graph.fromJSON(JSON.stringify(json)));
    expect(g2.nodes.map((n) => n.scope)).toEqual(g.nodes.map((n) => n.scope));
    const old = wg.Graph.fromJSON({ ...json, nodes: json.nodes.map(({ scope: _s, ...n }) => n) });
    expect(old.nodes.every((n) => n.scope === undefined)).toBe(true);
    expect(() => wg.Graph.fromJSON({ ...json, nodes: json.nodes.map((n) => ({ ...n, scope: 3 })) })).toThrow(/scope must be a non-empty string/);
    const sess = new wg.Session(g2);
    expect(await sess.run('y', { x: [1, -3] })).toEqual([2, -1]);
    expect(y.graph!.graph).toBe(g);
    sess.close();
    g.dispose();
    g2.dispose();
    old.dispose();
  });

  test('the eager trace records it, and the record of a graph run names each node\'s scope', async () => {
    const f = wg.function((x: wg.Tensor) => wg.nameScope('block', () => wg.exp(x.neg())));
    const { record } = await wg.record(async () => {
      const x = wg.tensor([1, 2]);
      const y = wg.nameScope('a', () => wg.nameScope('b', () => x.add(1)));
      const z = y.mul(3);
      const w = f(z);
      await w.data();
      wg.dispose([x, y, z, w]);
    });
    const byOp = Object.fromEntries(record.trace.map((t) => [t.op, t.scope]));
    expect(byOp.add).toBe('a/b');
    expect(byOp.mul).toBeUndefined();
    expect(record.trace.find((t) => t.op === 'mul')).not.toHaveProperty('scope');
    const nodes = record.graphs[0]!.nodes;
    expect(nodes.find((n) => n.op === 'neg')?.scope).toBe('block');
    expect(nodes.find((n) => n.op === 'exp')?.scope).toBe('block');
    f.dispose();
  });

  test('withMode(graph): lazy nodes keep their scopes, and a captured eager tensor\'s stand-in keeps its capture\'s', async () => {
    const w = wg.tensor([1, 2]);
    const { record } = await wg.record(() =>
      wg.withMode('graph', async () => {
        const [m, y] = wg.nameScope('layer', () => {
          const m = w.mul(2);
          return [m, wg.relu(m)];
        });
        const z = y.add(1);
        await z.data();
        wg.dispose([m, y, z]);
      }),
    );
    const nodes = record.graphs[record.graphs.length - 1]!.nodes;
    expect(nodes.find((n) => n.op === 'placeholder')?.scope).toBe('layer');
    expect(nodes.find((n) => n.op === 'relu')?.scope).toBe('layer');
    expect(nodes.find((n) => n.op === 'add')).not.toHaveProperty('scope');
    w.dispose();
  });

  test('the stack unwinds on errors, and bad names are refused', () => {
    expect(() => wg.nameScope('s', () => { throw new Error('boom'); })).toThrow('boom');
    const g = new wg.Graph();
    g.build(() => wg.tensor([1]).add(1));
    expect(g.nodes.every((n) => n.scope === undefined)).toBe(true);
    for (const bad of ['', '/a', 'a/', 'a//b', 3]) expect(() => wg.nameScope(bad as string, () => 0)).toThrow(/nameScope: the name/);
    g.dispose();
  });
});
