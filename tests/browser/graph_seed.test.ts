// Graph mode, TensorFlow 1 style: the seed program and the Graph + Session basics on WebGPU.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';

describe('Graph + Session', () => {
  test('the seed program: two constants and an add give 8', async () => {
    const g = new wg.Graph();
    const c = g.build(() => wg.add(wg.constant(5), wg.constant(3)));
    const sess = new wg.Session(g);
    expect(await sess.run(c)).toBe(8);
    sess.close();
  });

  test('placeholders with unknown dims, feeds by name, fetch structures', async () => {
    const g = new wg.Graph();
    const { y, s } = g.build(() => {
      const x = g.placeholder('float32', [null, 3], 'x');
      const y = wg.relu(x.mul(2).sub(1));
      return { y, s: wg.sum(y, 1) };
    });
    expect(y.shape).toEqual([-1, 3]);
    const sess = new wg.Session(g);
    const out = await sess.run({ y, s }, { x: [[1, -1, 0.5], [0, 2, 3]] });
    expect(out).toEqual({ y: [[1, 0, 0], [0, 3, 5]], s: [1, 8] });
    expect(await sess.run('s', { x: [[1, 1, 1]] })).toEqual([3]);
    expect(await sess.run([y], { x: new Float32Array([1, 2, 3]) }, { typedArrays: true })).toEqual([new Float32Array([1, 3, 5])]);
    sess.close();
  });

  test('graph tensors cannot be read directly', async () => {
    const g = new wg.Graph();
    const c = g.build(() => wg.ones([2]));
    await expect(c.data()).rejects.toBeInstanceOf(wg.GraphModeError);
    await expect(c.data()).rejects.toThrow(/sess\.run/);
  });

  test('variables keep state across runs in the session', async () => {
    const g = new wg.Graph();
    const { v, next } = g.build(() => {
      const v = wg.variable([1, 2], { name: 'counter' });
      return { v, next: v.assignAdd(wg.tensor([10, 10])) };
    });
    const sess = new wg.Session(g);
    expect(await sess.run(next)).toEqual([11, 12]);
    expect(await sess.run(next)).toEqual([21, 22]);
    const saved = await sess.saveVariables();
    expect(saved.counter.data).toEqual([21, 22]);
    sess.close();
    void v;
  });

  test('print runs when the graph runs', async () => {
    const g = new wg.Graph();
    const y = g.build(() => {
      const x = wg.tensor([1, 2, 3]);
      void wg.print('x is', x);
      return x.add(1);
    });
    const sess = new wg.Session(g);
    expect(await sess.run(y)).toEqual([2, 3, 4]);
    sess.close();
  });

  test('toString lists the nodes', () => {
    const g = new wg.Graph();
    g.build(() => wg.add(wg.constant(5), wg.constant(3)));
    const s = g.toString();
    expect(s).toMatch(/constant/);
    expect(s).toMatch(/add\(%constant, %constant_1\) -> float32\[\]/);
  });
});
