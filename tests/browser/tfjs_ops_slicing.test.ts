// The converter op lists slice_join and transformation, each op a tiny graph run by wgflow (graph mode and
// eagerly) and by TensorFlow.js in the same page (tests/helpers/tfjs_graph.ts). Each slicing/joining op is run
// twice where it folds: on a placeholder (the device op) and on a known Const (the host fold); the shape
// arithmetic chains end in a Reshape/Tile/Pad whose shape input must be known while converting, so they also
// prove that every op on the way folded.
import { describe, expect, test } from 'vitest';
import { A, bools, expectSameAsTfjs, f32, f32s, i32, i32s, i32v, node, tfjsOutputs, wgOutputs, type CaseNode, type GraphCase, type HostT } from '../helpers/tfjs_graph';

const T = { T: A.type('DT_FLOAT') };
const TI = { T: A.type('DT_INT32') };

interface Spec {
  begin: number[];
  end: number[];
  strides: number[];
  begin_mask?: number;
  end_mask?: number;
  ellipsis_mask?: number;
  new_axis_mask?: number;
  shrink_axis_mask?: number;
}

/** StridedSlice specs over a [3, 4, 5] input: every mask, negative strides, clamping, fewer entries than rank. */
const SPECS: Spec[] = [
  { begin: [1, 0, 1], end: [3, 4, 5], strides: [1, 2, 2] },
  { begin: [-1, -2, 4], end: [-4, 0, 0], strides: [-1, -1, -2] },
  { begin: [0, 3, 0], end: [0, 0, 0], strides: [1, -1, 1], begin_mask: 0b101, end_mask: 0b111 },
  { begin: [1, -3, 0], end: [0, 0, 3], strides: [1, 1, 1], end_mask: 0b011 },
  { begin: [2, 1, -1], end: [3, 2, 0], strides: [1, 1, 1], shrink_axis_mask: 0b101 },
  { begin: [-100, 1], end: [100, 100], strides: [2, 1] },
  { begin: [0, 1], end: [0, 3], strides: [1, 1], ellipsis_mask: 0b01 },
  { begin: [0, 1, 0], end: [0, 2, 0], strides: [1, 1, 1], ellipsis_mask: 0b001, shrink_axis_mask: 0b010 },
  { begin: [1, 0, 2], end: [2, 0, 3], strides: [1, 1, 1], ellipsis_mask: 0b010 },
  { begin: [0, 1, 0, 0], end: [0, 3, 0, 2], strides: [1, 1, 1, 1], new_axis_mask: 0b001, begin_mask: 0b1000, end_mask: 0b0100 },
  { begin: [0, 0, 1], end: [0, 0, 2], strides: [1, 1, 1], new_axis_mask: 0b010, ellipsis_mask: 0b001, shrink_axis_mask: 0b100 },
  { begin: [1], end: [1], strides: [1] },
  { begin: [100, -100, 2], end: [-100, 100, 0], strides: [-1, 3, -1] },
  { begin: [0, 0, 0], end: [0, 2, 0], strides: [1, 1, 1], begin_mask: 0b001, end_mask: 0b001, new_axis_mask: 0b100 },
  { begin: [1, 0], end: [3, 0], strides: [1, 1], ellipsis_mask: 0b10 },
];

function ssNode(input: string, k: number, s: Spec, dtype: 'float' | 'int'): CaseNode {
  return node('StridedSlice', [input, `b${k}`, `e${k}`, `s${k}`], {
    ...(dtype === 'float' ? T : TI),
    Index: A.type('DT_INT32'),
    begin_mask: A.i(s.begin_mask ?? 0),
    end_mask: A.i(s.end_mask ?? 0),
    ellipsis_mask: A.i(s.ellipsis_mask ?? 0),
    new_axis_mask: A.i(s.new_axis_mask ?? 0),
    shrink_axis_mask: A.i(s.shrink_axis_mask ?? 0),
  });
}

/**
 * wgflow running `c` (graph mode and eagerly) against TensorFlow.js running `oracle`, an equivalent graph: for
 * what TensorFlow.js cannot run in this page. Exact for int32/bool, within atol + rtol·|want| for float32.
 */
async function expectSameAsTfjsGraph(c: GraphCase, oracle: GraphCase, label: string, tol = { rtol: 1e-5, atol: 1e-5 }): Promise<void> {
  const want = await tfjsOutputs(oracle);
  for (const mode of ['graph', 'eager'] as const) {
    const got = await wgOutputs(c, mode);
    expect(got.length, `${label} (${mode}): number of outputs`).toBe(want.length);
    got.forEach((g, k) => {
      const w = want[k];
      const where = `${label} (${mode}) output ${c.outputs[k]}`;
      expect(g.shape, `${where}: shape`).toEqual(w.shape);
      expect(g.dtype, `${where}: dtype`).toBe(w.dtype);
      const a = Array.from(g.data, Number);
      const b = Array.from(w.data, Number);
      if (w.dtype !== 'float32') expect(a, where).toEqual(b);
      else b.forEach((v, i) => expect(Math.abs(a[i] - v), `${where}[${i}]: ${a[i]} vs ${v}`).toBeLessThanOrEqual(tol.atol + tol.rtol * Math.abs(v)));
    });
  }
}

/**
 * A shape-arithmetic chain whose results feed Reshape/Tile shape inputs. TensorFlow.js reads such an input with
 * dataSync, which its WebGPU backend cannot do in this page (its canvas read-back gives zeros, then loses the
 * device) — so the oracle runs in two steps: TensorFlow.js computes the `shapeNodes` (single-output nodes) of the
 * chain, then runs the chain with those nodes replaced by Consts of its own values. wgflow runs the chain as is:
 * a Reshape/Tile there needs its shape known while converting, so every op before it must have folded.
 */
async function expectFoldedChain(c: GraphCase, shapeNodes: string[], label: string): Promise<void> {
  const vals = await tfjsOutputs({ ...c, outputs: shapeNodes });
  const consts: Record<string, HostT> = { ...c.consts };
  const nodes = { ...c.nodes };
  shapeNodes.forEach((n, k) => {
    const v = vals[k];
    consts[n] = { data: Array.from(v.data, Number), shape: v.shape, dtype: v.dtype as HostT['dtype'] };
    delete nodes[n];
  });
  await expectSameAsTfjsGraph(c, { ...c, consts, nodes }, label);
}

describe('op table vs TensorFlow.js: slice_join and transformation', () => {
  test('StridedSlice: every mask, on the device (placeholder) and folded (Const)', async () => {
    const consts: Record<string, ReturnType<typeof i32v>> = { xc: i32([3, 4, 5], 1, -50, 50) };
    const nodes: Record<string, CaseNode> = {};
    const outputs: string[] = [];
    SPECS.forEach((s, k) => {
      consts[`b${k}`] = i32v(s.begin);
      consts[`e${k}`] = i32v(s.end);
      consts[`s${k}`] = i32v(s.strides);
      nodes[`d${k}`] = ssNode('x', k, s, 'float');
      nodes[`h${k}`] = ssNode('xc', k, s, 'int');
      outputs.push(`d${k}`, `h${k}`);
    });
    await expectSameAsTfjs({ inputs: { x: f32([3, 4, 5], 2) }, consts, nodes, outputs });
  });

  // TensorFlow.js (4.22, WebGPU) gets two StridedSlices wrong: a shrunk axis with a negative stride elsewhere
  // (x[-2, :, ::-1]) gives zeros, and an empty slice with an ellipsis (x[1:0, ...]) throws "Size(40) must match
  // the product of shape 0,4,5". The oracle is the equivalent graph: a StridedSlice without the reversal then
  // ReverseV2, and a Slice of size 0.
  test('StridedSlice that TensorFlow.js gets wrong, vs equivalent graphs: shrink with a negative stride, empty slice with an ellipsis', async () => {
    const ss = (input: string, begin: string, end: string, strides: string, masks: Record<string, number>) =>
      node('StridedSlice', [input, begin, end, strides], {
        ...(input === 'x' ? T : TI), Index: A.type('DT_INT32'),
        ...Object.fromEntries(['begin_mask', 'end_mask', 'ellipsis_mask', 'new_axis_mask', 'shrink_axis_mask'].map((m) => [m, A.i(masks[m] ?? 0)])),
      });
    const consts = {
      xc: i32([3, 4, 5], 22, -50, 50), b: i32v([-2, 0, 0]), e: i32v([0, 0, 0]), s: i32v([1, 1, -1]), s1: i32v([1, 1, 1]), m1: i32v([-1]),
      b2: i32v([1, 0]), e2: i32v([0, 0]), s2: i32v([1, 1]), sb: i32v([1, 0, 0]), sz: i32v([0, -1, -1]),
    };
    const inputs = { x: f32([3, 4, 5], 23) };
    const outputs = ['y', 'yc', 'z', 'zc'];
    const mine: GraphCase = {
      inputs, consts, outputs,
      nodes: {
        y: ss('x', 'b', 'e', 's', { shrink_axis_mask: 1, begin_mask: 6, end_mask: 6 }),
        yc: ss('xc', 'b', 'e', 's', { shrink_axis_mask: 1, begin_mask: 6, end_mask: 6 }),
        z: ss('x', 'b2', 'e2', 's2', { ellipsis_mask: 2 }),
        zc: ss('xc', 'b2', 'e2', 's2', { ellipsis_mask: 2 }),
      },
    };
    const oracle: GraphCase = {
      inputs, consts, outputs,
      nodes: {
        y0: ss('x', 'b', 'e', 's1', { shrink_axis_mask: 1, begin_mask: 6, end_mask: 6 }),
        y: node('ReverseV2', ['y0', 'm1'], { ...T, Tidx: A.type('DT_INT32') }),
        yc0: ss('xc', 'b', 'e', 's1', { shrink_axis_mask: 1, begin_mask: 6, end_mask: 6 }),
        yc: node('ReverseV2', ['yc0', 'm1'], { ...TI, Tidx: A.type('DT_INT32') }),
        z: node('Slice', ['x', 'sb', 'sz'], { ...T, Index: A.type('DT_INT32') }),
        zc: node('Slice', ['xc', 'sb', 'sz'], { ...TI, Index: A.type('DT_INT32') }),
      },
    };
    await expectSameAsTfjsGraph(mine, oracle, 'StridedSlice vs equivalent graph');
  });

  test('shape arithmetic folds: Shape → StridedSlice → Pack → Reshape; ConcatV2, Slice, GatherV2, Unpack, Cast, ExpandDims, Squeeze', async () => {
    await expectFoldedChain({
      inputs: { x: f32([2, 3, 4], 3) },
      consts: {
        b0: i32v([0]), e1: i32v([1]), one: i32v([1]), b1: i32v([1]), e3: i32v([3]), m1: i32s(-1), m1v: i32v([-1]),
        perm: i32v([2, 0, 1]), ax0: i32s(0), sb: i32v([1]), ssz: i32v([-1]), four: i32s(4),
      },
      nodes: {
        shape: node('Shape', ['x'], { ...T, out_type: A.type('DT_INT32') }),
        batch: node('StridedSlice', ['shape', 'b0', 'e1', 'one'], { ...TI, Index: A.type('DT_INT32'), shrink_axis_mask: A.i(1), begin_mask: A.i(0), end_mask: A.i(0), ellipsis_mask: A.i(0), new_axis_mask: A.i(0) }),
        rest: node('StridedSlice', ['shape', 'b1', 'e3', 'one'], { ...TI, Index: A.type('DT_INT32'), shrink_axis_mask: A.i(0), begin_mask: A.i(0), end_mask: A.i(1), ellipsis_mask: A.i(0), new_axis_mask: A.i(0) }),
        packed: node('Pack', ['batch', 'm1'], { ...TI, N: A.i(2), axis: A.i(0) }),
        r1: node('Reshape', ['x', 'packed'], { ...T, Tshape: A.type('DT_INT32') }),
        // [-1] ++ shape[1:] ++ nothing → reshape to [2, 3, 4] again, then permuted dims by Gather.
        cat: node('ConcatV2', ['m1v', 'rest', 'ax0'], { ...TI, N: A.i(2), Tidx: A.type('DT_INT32') }),
        r2: node('Reshape', ['x', 'cat'], { ...T, Tshape: A.type('DT_INT32') }),
        g: node('GatherV2', ['shape', 'perm', 'ax0'], { Tparams: A.type('DT_INT32'), Tindices: A.type('DT_INT32'), Taxis: A.type('DT_INT32'), batch_dims: A.i(0) }),
        r3: node('Reshape', ['x', 'g'], { ...T, Tshape: A.type('DT_INT32') }),
        // Unpack the shape, re-pack it as [d2, d0·? …]: [d2, d1, d0].
        un: node('Unpack', ['shape'], { ...TI, num: A.i(3), axis: A.i(0) }),
        rp: node('Pack', ['un:2', 'un:1', 'un:0'], { ...TI, N: A.i(3), axis: A.i(0) }),
        r4: node('Reshape', ['x', 'rp'], { ...T, Tshape: A.type('DT_INT32') }),
        // Cast to float and back, ExpandDims/Squeeze a scalar, Slice of the shape.
        cf: node('Cast', ['shape'], { SrcT: A.type('DT_INT32'), DstT: A.type('DT_FLOAT') }),
        ci: node('Cast', ['cf'], { SrcT: A.type('DT_FLOAT'), DstT: A.type('DT_INT32') }),
        ed: node('ExpandDims', ['four', 'ax0'], { ...TI, Tdim: A.type('DT_INT32') }),
        sq: node('Squeeze', ['ed'], { ...TI, squeeze_dims: A.ints([0]) }),
        sl: node('Slice', ['ci', 'sb', 'ssz'], { ...TI, Index: A.type('DT_INT32') }),
        p2: node('Pack', ['m1', 'sq'], { ...TI, N: A.i(2), axis: A.i(0) }),
        r5: node('Reshape', ['x', 'p2'], { ...T, Tshape: A.type('DT_INT32') }),
        cat2: node('ConcatV2', ['m1v', 'sl', 'ax0'], { ...TI, N: A.i(2), Tidx: A.type('DT_INT32') }),
        r6: node('Reshape', ['x', 'cat2'], { ...T, Tshape: A.type('DT_INT32') }),
      },
      outputs: ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'packed', 'cat', 'g', 'rp', 'ci', 'sl', 'sq'],
    }, ['packed', 'cat', 'g', 'rp', 'p2', 'cat2'], 'shape chain 1');
  });

  test('more folds: Tile, ReverseV2, Reverse, Split, SplitV, Concat, BroadcastArgs, BroadcastTo, Pad, GatherNd feed Reshape/Tile', async () => {
    await expectFoldedChain({
      inputs: { x: f32([2, 3, 4], 4) },
      consts: {
        two: i32v([2]), rev: i32v([0]), dims: bools([1], [1]), flat: i32v([-1]), ax0: i32s(0), sizes: i32v([1, -1]),
        s0: i32v([1, 3, 1]), s1: i32v([2, 1, 4]), pads: i32v([1, 0], [1, 2]), gi: i32v([2, 0, 1], [3, 1]), one1: i32v([1]), three: i32v([3]),
      },
      nodes: {
        shape: node('Shape', ['x'], { ...T, out_type: A.type('DT_INT32') }),
        tl: node('Tile', ['one1', 'three'], { ...TI, Tmultiples: A.type('DT_INT32') }), // [1, 1, 1]
        rv: node('ReverseV2', ['shape', 'rev'], { ...TI, Tidx: A.type('DT_INT32') }), // [4, 3, 2]
        rsh: node('Reshape', ['rv', 'flat'], { ...TI, Tshape: A.type('DT_INT32') }),
        r1: node('Reshape', ['x', 'rsh'], { ...T, Tshape: A.type('DT_INT32') }),
        rv1: node('Reverse', ['shape', 'dims'], { ...TI }),
        sp: node('Split', ['ax0', 'shape'], { ...TI, num_split: A.i(3) }), // [2], [3], [4]
        spv: node('SplitV', ['shape', 'sizes', 'ax0'], { ...TI, Tlen: A.type('DT_INT32'), num_split: A.i(2) }), // [2], [3, 4]
        c1: node('Concat', ['ax0', 'sp:2', 'sp:0', 'sp:1'], { ...TI, N: A.i(3) }), // [4, 2, 3]
        r2: node('Reshape', ['x', 'c1'], { ...T, Tshape: A.type('DT_INT32') }),
        c2: node('ConcatV2', ['spv:1', 'spv:0', 'ax0'], { ...TI, N: A.i(2), Tidx: A.type('DT_INT32') }), // [3, 4, 2]
        r3: node('Reshape', ['x', 'c2'], { ...T, Tshape: A.type('DT_INT32') }),
        ba: node('BroadcastArgs', ['s0', 's1'], { ...TI }), // [2, 3, 4]
        bt: node('BroadcastTo', ['two', 'three'], { ...TI, Tidx: A.type('DT_INT32') }), // [2, 2, 2]
        pd: node('Pad', ['tl', 'pads'], { ...TI, Tpaddings: A.type('DT_INT32') }), // [0, 1, 1, 1]
        t2: node('Tile', ['x', 'bt'], { ...T, Tmultiples: A.type('DT_INT32') }),
        gn: node('GatherNd', ['shape', 'gi'], { Tparams: A.type('DT_INT32'), Tindices: A.type('DT_INT32') }), // [4, 2, 3]
        t1: node('Tile', ['x', 'tl'], { ...T, Tmultiples: A.type('DT_INT32') }),
        r4: node('Reshape', ['x', 'ba'], { ...T, Tshape: A.type('DT_INT32') }),
        gr: node('Reshape', ['x', 'gn'], { ...T, Tshape: A.type('DT_INT32') }),
      },
      outputs: ['tl', 'r1', 'rv1', 'r2', 'r3', 'ba', 'bt', 'r4', 'gr', 'pd', 't1', 't2'],
    }, ['rsh', 'c1', 'c2', 'ba', 'gn', 'tl', 'bt'], 'shape chain 2');
  });

  test('the joins, gathers and moves folded on Const int32 inputs (multi-dimensional)', async () => {
    const G = { Tparams: A.type('DT_INT32'), Tindices: A.type('DT_INT32'), Taxis: A.type('DT_INT32') };
    await expectSameAsTfjs({
      inputs: { x: f32([1], [0]) },
      consts: {
        a: i32([2, 3, 4], 30, -9, 9), b: i32([2, 1, 4], 31, -9, 9), c: i32([2, 3], 32, -9, 9), idx: i32v([2, 0, 1, 1], [2, 2]),
        ax1: i32s(1), axm1: i32s(-1), nd: i32v([1, 2, 0, 1], [2, 2]), reps: i32v([2, 3]), rax: i32v([0, 2]),
        sb: i32v([1, 1, 0]), ssz: i32v([1, -1, 3]), sizes: i32v([2, -1]), pads: i32v([0, 1, 1, 0], [2, 2]), bshape: i32v([2, 2, 3]),
        rshape: i32v([4, -1]), ed: i32s(-1),
      },
      nodes: {
        cat: node('ConcatV2', ['a', 'b', 'ax1'], { ...TI, N: A.i(2), Tidx: A.type('DT_INT32') }),
        pk: node('Pack', ['c', 'c', 'c'], { ...TI, N: A.i(3), axis: A.i(1) }),
        un: node('Unpack', ['c'], { ...TI, num: A.i(3), axis: A.i(-1) }),
        gb: node('GatherV2', ['a', 'idx', 'ax1'], { ...G, batch_dims: A.i(1) }),
        g2: node('GatherV2', ['a', 'idx', 'axm1'], { ...G, batch_dims: A.i(0) }),
        gn: node('GatherNd', ['a', 'nd'], { Tparams: A.type('DT_INT32'), Tindices: A.type('DT_INT32') }),
        tl: node('Tile', ['c', 'reps'], { ...TI, Tmultiples: A.type('DT_INT32') }),
        rv: node('ReverseV2', ['a', 'rax'], { ...TI, Tidx: A.type('DT_INT32') }),
        sl: node('Slice', ['a', 'sb', 'ssz'], { ...TI, Index: A.type('DT_INT32') }),
        sp: node('SplitV', ['a', 'sizes', 'axm1'], { ...TI, Tlen: A.type('DT_INT32'), num_split: A.i(2) }),
        pd: node('Pad', ['c', 'pads'], { ...TI, Tpaddings: A.type('DT_INT32') }),
        bt: node('BroadcastTo', ['c', 'bshape'], { ...TI, Tidx: A.type('DT_INT32') }),
        rs: node('Reshape', ['a', 'rshape'], { ...TI, Tshape: A.type('DT_INT32') }),
        ex: node('ExpandDims', ['c', 'ed'], { ...TI, Tdim: A.type('DT_INT32') }),
        sq: node('Squeeze', ['b'], { ...TI, squeeze_dims: A.ints([1]) }),
      },
      outputs: ['cat', 'pk', 'un:0', 'un:2', 'gb', 'g2', 'gn', 'tl', 'rv', 'sl', 'sp:0', 'sp:1', 'pd', 'bt', 'rs', 'ex', 'sq'],
    });
  });

  test('runtime int32 values stay on the device: StridedSlice, Pack, ConcatV2, Cast, Reshape of a placeholder', async () => {
    await expectSameAsTfjs({
      inputs: { i: i32v([7, -2, 5, 3]) },
      consts: { b: i32v([1]), e: i32v([2]), s: i32v([1]), m1: i32s(-1), ax0: i32s(0), sh: i32v([2, 2]) },
      nodes: {
        one: node('StridedSlice', ['i', 'b', 'e', 's'], { ...TI, Index: A.type('DT_INT32'), shrink_axis_mask: A.i(1) }),
        pk: node('Pack', ['m1', 'one', 'one'], { ...TI, N: A.i(3), axis: A.i(0) }),
        cat: node('ConcatV2', ['pk', 'i', 'ax0'], { ...TI, N: A.i(2), Tidx: A.type('DT_INT32') }),
        f: node('Cast', ['cat'], { SrcT: A.type('DT_INT32'), DstT: A.type('DT_FLOAT') }),
        r: node('Reshape', ['i', 'sh'], { ...TI, Tshape: A.type('DT_INT32') }),
      },
      outputs: ['one', 'pk', 'cat', 'f', 'r'],
    });
  });

  test('ConcatV2 (negative axis, three inputs), Concat, Pack (axis 0, 1, -1), Unpack (axis 1)', async () => {
    await expectSameAsTfjs({
      inputs: { a: f32([2, 3], 5), b: f32([2, 1], 6), c: f32([2, 2], 7) },
      consts: { axm1: i32s(-1), ax0: i32s(0) },
      nodes: {
        cat: node('ConcatV2', ['a', 'b', 'c', 'axm1'], { ...T, N: A.i(3), Tidx: A.type('DT_INT32') }),
        cat0: node('Concat', ['ax0', 'a', 'a'], { ...T, N: A.i(2) }),
        p0: node('Pack', ['a', 'a'], { ...T, N: A.i(2), axis: A.i(0) }),
        p1: node('Pack', ['c', 'c', 'c'], { ...T, N: A.i(3), axis: A.i(1) }),
        pm: node('Pack', ['a', 'a'], { ...T, N: A.i(2), axis: A.i(-1) }),
        un: node('Unpack', ['a'], { ...T, num: A.i(3), axis: A.i(1) }),
      },
      outputs: ['cat', 'cat0', 'p0', 'p1', 'pm', 'un:0', 'un:1', 'un:2'],
    });
  });

  test('GatherV2 (axis 1, negative axis, batch_dims 1), Gather, GatherNd', async () => {
    await expectSameAsTfjs({
      inputs: { x: f32([2, 3, 4], 8), idx: i32v([2, 0, 1, 1], [2, 2]) },
      consts: { ax1: i32s(1), axm1: i32s(-1), ci: i32v([1, 0, 1]), nd: i32v([1, 2, 0, 1, 1, 0], [3, 2]) },
      nodes: {
        g1: node('GatherV2', ['x', 'idx', 'ax1'], { Tparams: A.type('DT_FLOAT'), Tindices: A.type('DT_INT32'), Taxis: A.type('DT_INT32'), batch_dims: A.i(0) }),
        gm: node('GatherV2', ['x', 'ci', 'axm1'], { Tparams: A.type('DT_FLOAT'), Tindices: A.type('DT_INT32'), Taxis: A.type('DT_INT32'), batch_dims: A.i(0) }),
        gb: node('GatherV2', ['x', 'idx', 'ax1'], { Tparams: A.type('DT_FLOAT'), Tindices: A.type('DT_INT32'), Taxis: A.type('DT_INT32'), batch_dims: A.i(1) }),
        g0: node('Gather', ['x', 'ci'], { Tparams: A.type('DT_FLOAT'), Tindices: A.type('DT_INT32') }),
        gn: node('GatherNd', ['x', 'nd'], { Tparams: A.type('DT_FLOAT'), Tindices: A.type('DT_INT32') }),
      },
      outputs: ['g1', 'gm', 'gb', 'g0', 'gn'],
    });
  });

  test('Slice (size -1), ReverseV2, Reverse, Tile, Split, SplitV', async () => {
    await expectSameAsTfjs({
      inputs: { x: f32([3, 4, 2], 9) },
      consts: {
        b: i32v([1, 1, 0]), s: i32v([2, -1, 1]), rax: i32v([0, -1]), dims: bools([3], [0, 1, 1]), reps: i32v([2, 1, 3]),
        ax1: i32s(1), sizes: i32v([1, -1, 2]),
      },
      nodes: {
        sl: node('Slice', ['x', 'b', 's'], { ...T, Index: A.type('DT_INT32') }),
        rv: node('ReverseV2', ['x', 'rax'], { ...T, Tidx: A.type('DT_INT32') }),
        r1: node('Reverse', ['x', 'dims'], { ...T }),
        tl: node('Tile', ['x', 'reps'], { ...T, Tmultiples: A.type('DT_INT32') }),
        sp: node('Split', ['ax1', 'x'], { ...T, num_split: A.i(2) }),
        sv: node('SplitV', ['x', 'sizes', 'ax1'], { ...T, Tlen: A.type('DT_INT32'), num_split: A.i(3) }),
      },
      outputs: ['sl', 'rv', 'r1', 'tl', 'sp:0', 'sp:1', 'sv:0', 'sv:1', 'sv:2'],
    });
  });

  test('ScatterNd, TensorScatterUpdate, SparseToDense (index rows, a vector of indices, a scalar value)', async () => {
    await expectSameAsTfjs({
      inputs: { t: f32([4, 3], 10), u: f32([2, 3], 11), v: f32([3], 12) },
      consts: {
        idx: i32v([3, 1], [2, 1]), shape: i32v([4, 3]), sidx: i32v([0, 1, 2, 0, 3, 2], [3, 2]), dflt: f32s(-1),
        vidx: i32v([4, 0, 2]), vshape: i32v([6]), sv: f32s(5),
      },
      nodes: {
        sc: node('ScatterNd', ['idx', 'u', 'shape'], { ...T, Tindices: A.type('DT_INT32') }),
        tu: node('TensorScatterUpdate', ['t', 'idx', 'u'], { ...T, Tindices: A.type('DT_INT32') }),
        sd: node('SparseToDense', ['sidx', 'shape', 'v', 'dflt'], { ...T, Tindices: A.type('DT_INT32'), validate_indices: A.b(true) }),
        sd1: node('SparseToDense', ['vidx', 'vshape', 'sv', 'dflt'], { ...T, Tindices: A.type('DT_INT32'), validate_indices: A.b(true) }),
      },
      outputs: ['sc', 'tu', 'sd', 'sd1'],
    });
  });

  test('Cast: float → int32 (truncates), int32 → float, float → bool, bool → int32 and float', async () => {
    await expectSameAsTfjs({
      inputs: { x: f32([12], [-2.75, -1.5, -0.5, 0, 0.25, 0.5, 1.5, 2.99, -3, 7, 0, -0.0]), i: i32([6], 13), b: bools([5], [1, 0, 1, 1, 0]) },
      nodes: {
        fi: node('Cast', ['x'], { SrcT: A.type('DT_FLOAT'), DstT: A.type('DT_INT32'), Truncate: A.b(false) }),
        if: node('Cast', ['i'], { SrcT: A.type('DT_INT32'), DstT: A.type('DT_FLOAT') }),
        fb: node('Cast', ['x'], { SrcT: A.type('DT_FLOAT'), DstT: A.type('DT_BOOL') }),
        bi: node('Cast', ['b'], { SrcT: A.type('DT_BOOL'), DstT: A.type('DT_INT32') }),
        bf: node('Cast', ['b'], { SrcT: A.type('DT_BOOL'), DstT: A.type('DT_FLOAT') }),
        ii: node('Cast', ['i'], { SrcT: A.type('DT_INT32'), DstT: A.type('DT_INT64') }),
      },
      outputs: ['fi', 'if', 'fb', 'bi', 'bf', 'ii'],
    });
  });

  test('Cast folded on Consts (float → int32/bool, int32 → float, bool → int32)', async () => {
    await expectSameAsTfjs({
      inputs: { x: f32([1], [0]) },
      consts: { cf: f32([6], [-2.75, -0.5, 0, 0.5, 2.99, -3]), cb: bools([3], [1, 0, 1]), ci: i32v([-3, 0, 7]) },
      nodes: {
        fi: node('Cast', ['cf'], { SrcT: A.type('DT_FLOAT'), DstT: A.type('DT_INT32') }),
        fb: node('Cast', ['cf'], { SrcT: A.type('DT_FLOAT'), DstT: A.type('DT_BOOL') }),
        if: node('Cast', ['ci'], { SrcT: A.type('DT_INT32'), DstT: A.type('DT_FLOAT') }),
        bi: node('Cast', ['cb'], { SrcT: A.type('DT_BOOL'), DstT: A.type('DT_INT32') }),
      },
      outputs: ['fi', 'fb', 'if', 'bi'],
    });
  });

  test('Reshape (-1), ExpandDims (negative axis), Squeeze (all, axis, squeeze_dims)', async () => {
    await expectSameAsTfjs({
      inputs: { x: f32([2, 1, 3, 1], 14) },
      consts: { shape: i32v([3, -1]), axm1: i32s(-1), ax1: i32v([1]) },
      nodes: {
        r: node('Reshape', ['x', 'shape'], { ...T, Tshape: A.type('DT_INT32') }),
        e: node('ExpandDims', ['x', 'axm1'], { ...T, Tdim: A.type('DT_INT32') }),
        e1: node('ExpandDims', ['x', 'ax1'], { ...T, Tdim: A.type('DT_INT32') }),
        s: node('Squeeze', ['x'], { ...T }),
        sa: node('Squeeze', ['x'], { ...T, axis: A.ints([-1]) }),
        sd: node('Squeeze', ['x'], { ...T, squeeze_dims: A.ints([1, 3]) }),
      },
      outputs: ['r', 'e', 'e1', 's', 'sa', 'sd'],
    });
  });

  test('EnsureShape (vs Identity: TensorFlow.js reads a second "shape" input that TensorFlow\'s EnsureShape does not have)', async () => {
    const c = (op: string): GraphCase => ({
      inputs: { x: f32([2, 3], 20) },
      nodes: { y: node(op, ['x'], { ...T, shape: A.shape([2, -1]) }), z: node('Neg', ['y'], { ...T }) },
      outputs: ['y', 'z'],
    });
    await expectSameAsTfjsGraph(c('EnsureShape'), c('Identity'), 'EnsureShape');
  });

  test('Pad, PadV2, MirrorPad (REFLECT, SYMMETRIC)', async () => {
    await expectSameAsTfjs({
      inputs: { x: f32([3, 4], 15) },
      consts: { p: i32v([1, 2, 0, 1], [2, 2]), mp: i32v([2, 1, 1, 3], [2, 2]), cv: f32s(-7.5) },
      nodes: {
        pad: node('Pad', ['x', 'p'], { ...T, Tpaddings: A.type('DT_INT32') }),
        pad2: node('PadV2', ['x', 'p', 'cv'], { ...T, Tpaddings: A.type('DT_INT32') }),
        mr: node('MirrorPad', ['x', 'mp'], { ...T, Tpaddings: A.type('DT_INT32'), mode: A.s('REFLECT') }),
        ms: node('MirrorPad', ['x', 'mp'], { ...T, Tpaddings: A.type('DT_INT32'), mode: A.s('SYMMETRIC') }),
      },
      outputs: ['pad', 'pad2', 'mr', 'ms'],
    });
  });

  test('SpaceToBatchND, BatchToSpaceND, DepthToSpace (NHWC, NCHW), BroadcastTo, BroadcastArgs', async () => {
    await expectSameAsTfjs({
      inputs: { x: f32([1, 3, 4, 2], 16), y: f32([4, 2, 2, 1], 17), z: f32([1, 8, 2, 8], 18), w: f32([3, 1], 19) },
      consts: {
        bs: i32v([2, 2]), pads: i32v([1, 0, 0, 0], [2, 2]), crops: i32v([0, 1, 1, 0], [2, 2]), shape: i32v([2, 3, 4]),
        s0: i32v([5, 1, 4]), s1: i32v([3, 1]),
      },
      nodes: {
        s2b: node('SpaceToBatchND', ['x', 'bs', 'pads'], { ...T, Tblock_shape: A.type('DT_INT32'), Tpaddings: A.type('DT_INT32') }),
        b2s: node('BatchToSpaceND', ['y', 'bs', 'crops'], { ...T, Tblock_shape: A.type('DT_INT32'), Tcrops: A.type('DT_INT32') }),
        d2s: node('DepthToSpace', ['z'], { ...T, block_size: A.i(2), data_format: A.s('NHWC') }),
        d2c: node('DepthToSpace', ['z'], { ...T, block_size: A.i(2), data_format: A.s('NCHW') }),
        bt: node('BroadcastTo', ['w', 'shape'], { ...T, Tidx: A.type('DT_INT32') }),
        ba: node('BroadcastArgs', ['s0', 's1'], { ...TI }),
      },
      outputs: ['s2b', 'b2s', 'd2s', 'd2c', 'bt', 'ba'],
    });
  });

  test('bad attributes and inputs: clear errors naming the node', async () => {
    const bad = async (nodes: Record<string, CaseNode>, consts: Record<string, HostT>, pattern: RegExp, inputs: Record<string, HostT> = { x: f32([2, 3, 4], 21) }) => {
      for (const mode of ['graph', 'eager'] as const) {
        const err = await wgOutputs({ inputs, consts, nodes, outputs: ['y'] }, mode).then(() => undefined, (e: Error) => e);
        expect(err?.message, `${pattern} (${mode}): expected an error`).toMatch(pattern);
      }
    };
    const pads = i32v([1, 1, 1, 1, 1, 1], [3, 2]);
    await bad({ y: node('MirrorPad', ['x', 'p'], { ...T, mode: A.s('WRAP') }) }, { p: pads }, /node "y" \(MirrorPad\): mode 'WRAP' is not supported/);
    await bad({ y: node('DepthToSpace', ['x'], { ...T, block_size: A.i(2), data_format: A.s('NCHW_VECT_C') }) }, {}, /node "y" \(DepthToSpace\): data_format 'NCHW_VECT_C'/);
    await bad({ y: node('Split', ['a', 'x'], { ...T, num_split: A.i(5) }) }, { a: i32s(1) }, /node "y" \(Split\): num_split 5 does not divide dimension 1/);
    await bad({ y: node('Reshape', ['x', 's'], { ...T }) }, { s: i32v([5, -1]) }, /node "y" \(Reshape\): cannot reshape \[2, 3, 4\] \(24 elements\) to \[5, -1\]/);
    await bad(
      { y: node('StridedSlice', ['x', 'b', 'b', 'b'], { ...T, Index: A.type('DT_INT32') }) },
      {},
      /node "y" \(StridedSlice\): its begin \(input 1\) is computed at run time/,
      { x: f32([2, 3, 4], 21), b: i32v([0, 0, 0]) },
    );
    await bad({ y: node('StridedSlice', ['c', 'b', 'e', 's'], { ...TI, Index: A.type('DT_INT32'), shrink_axis_mask: A.i(1) }) }, { c: i32v([1, 2, 3]), b: i32v([3]), e: i32v([4]), s: i32v([1]) }, /node "y" \(StridedSlice\): begin\[0\] = 3 is outside dimension 0/);
    await bad({ y: node('StridedSlice', ['x', 'b', 'b', 's'], { ...T, Index: A.type('DT_INT32'), ellipsis_mask: A.i(3) }) }, { b: i32v([0, 0]), s: i32v([1, 1]) }, /node "y" \(StridedSlice\): ellipsis_mask 3 has more than one bit set/);
    await bad({ y: node('GatherV2', ['c', 'i', 'a'], { Tparams: A.type('DT_INT32'), Tindices: A.type('DT_INT32'), batch_dims: A.i(0) }) }, { c: i32v([1, 2, 3]), i: i32v([3]), a: i32s(0) }, /node "y" \(GatherV2\): index 3 is out of range/);
    await bad({ y: node('Cast', ['x'], { SrcT: A.type('DT_FLOAT'), DstT: A.type('DT_STRING') }) }, {}, /string tensors are not supported/);
  });
});
