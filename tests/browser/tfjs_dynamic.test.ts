// Data-dependent ops (NonMaxSuppressionV2–V5, Where, ListDiff, Unique, UniqueV2) and executeAsync's split plan:
// small graphs run by wgflow (graph mode and eagerly, through executeAsync) and by TensorFlow.js's converter
// (executeAsync, WebGPU) in the same page. Also: predict/execute name the node and point to executeAsync; such ops
// on constants fold in execute; a stage reads a shape folded in an earlier stage; nothing stays allocated.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { DynamicShapeError } from '../../engine/io/tfjs/ops/dynamic';
import { A, expectSameAsTfjs, f32, f32s, i32, i32s, i32v, node, wgModel, type GraphCase } from '../helpers/tfjs_graph';

const T = { T: A.type('DT_FLOAT') };
const TI = { T: A.type('DT_INT32') };
const GATHER = { Tparams: A.type('DT_FLOAT'), Tindices: A.type('DT_INT32'), Taxis: A.type('DT_INT32'), batch_dims: A.i(0) };

/** 8 boxes [y1, x1, y2, x2] that overlap in pairs, and score logits: NMS keeps some and drops others. */
const BOXES = f32([8, 4], [0, 0, 1, 1, 0, 0.1, 1, 1.1, 0, 2, 1, 3, 0.05, 2, 1, 3, 2, 2, 3, 3, 2.2, 2, 3.2, 3, 5, 5, 6, 6, 5, 5.6, 6, 6.6]);
const LOGITS = f32([8], [2, 1.5, -0.5, 1, 0.3, 3, -2, 0.8]);

/** Boxes scaled by an input (so they are computed on the device), scores = sigmoid(logits). */
const scored = {
  bx: node('Mul', ['boxes', 'scale'], T),
  sc: node('Sigmoid', ['logits'], T),
};
const inputs = { boxes: BOXES, logits: LOGITS, scale: f32s(1) };

describe('data-dependent ops vs TensorFlow.js (executeAsync)', () => {
  test('NonMaxSuppressionV2, V3, V4 (padded and not) on device-computed boxes and scores, and a Gather of the kept scores', async () => {
    await expectSameAsTfjs({
      inputs,
      consts: { max: i32s(5), iou: f32s(0.5), st: f32s(0.55), zero: i32s(0) },
      nodes: {
        ...scored,
        n2: node('NonMaxSuppressionV2', ['bx', 'sc', 'max', 'iou'], T),
        n3: node('NonMaxSuppressionV3', ['bx', 'sc', 'max', 'iou', 'st'], T),
        n4: node('NonMaxSuppressionV4', ['bx', 'sc', 'max', 'iou', 'st'], { ...T, pad_to_max_output_size: A.b(true) }),
        n4u: node('NonMaxSuppressionV4', ['bx', 'sc', 'max', 'iou', 'st'], { ...T, pad_to_max_output_size: A.b(false) }),
        kept: node('GatherV2', ['sc', 'n3', 'zero'], GATHER),
      },
      outputs: ['n2', 'n3', 'n4:0', 'n4:1', 'n4u:0', 'n4u:1', 'kept'],
    });
  });

  test('NonMaxSuppressionV5: hard and soft (sigma > 0) suppression, indices and scores', async () => {
    // TensorFlow.js's V5 has two outputs (indices, scores); TensorFlow's third, valid_outputs, is checked below.
    for (const sigma of [0, 0.5]) {
      await expectSameAsTfjs(
        {
          inputs,
          consts: { max: i32s(6), iou: f32s(0.4), st: f32s(0.1), sigma: f32s(sigma) },
          nodes: { ...scored, n5: node('NonMaxSuppressionV5', ['bx', 'sc', 'max', 'iou', 'st', 'sigma'], T) },
          outputs: ['n5:0', 'n5:1'],
        },
        { rtol: 1e-5, atol: 1e-6 },
        `NonMaxSuppressionV5 sigma ${sigma}`,
      );
    }
  });

  test('Where on a computed condition (1-D and 3-D), its coordinates gathered with GatherNd', async () => {
    await expectSameAsTfjs({
      inputs: { x: f32([2, 3, 4], 5), v: f32([9], 6) },
      consts: { zero: f32s(0) },
      nodes: {
        c: node('Greater', ['x', 'zero'], T),
        w: node('Where', ['c'], { T: A.type('DT_BOOL') }),
        g: node('GatherNd', ['x', 'w'], { Tparams: A.type('DT_FLOAT'), Tindices: A.type('DT_INT32') }),
        c1: node('Less', ['v', 'zero'], T),
        w1: node('Where', ['c1'], { T: A.type('DT_BOOL') }),
      },
      outputs: ['w', 'g', 'w1'],
    });
  });

  test('ListDiff and Unique of computed values; UniqueV2 along axis 0 of a matrix', async () => {
    await expectSameAsTfjs({
      inputs: { x: i32([10], 7, 0, 6), y: i32([4], 8, 0, 6), m: i32([5, 2], [1, 2, 3, 4, 1, 2, 0, 0, 3, 4]) },
      consts: { one: i32s(1), a0: i32v([0]) },
      nodes: {
        xa: node('AddV2', ['x', 'one'], TI),
        d: node('ListDiff', ['xa', 'y'], { ...TI, out_idx: A.type('DT_INT32') }),
        u: node('Unique', ['xa'], { ...TI, out_idx: A.type('DT_INT32') }),
        ma: node('AddV2', ['m', 'one'], TI),
        u2: node('UniqueV2', ['ma', 'a0'], { ...TI, Taxis: A.type('DT_INT32'), out_idx: A.type('DT_INT32') }),
      },
      outputs: ['d:0', 'd:1', 'u:0', 'u:1', 'u2:0', 'u2:1'],
    }, {}, 'ListDiff+Unique', 'cpu');
  });

  test('two splits in a chain (NMS, then Where on the kept scores), a shape folded in the first stage used by the last', async () => {
    // Stage 0: scores, Shape(boxes) → [-1, 4]; NMS; stage 1: the kept boxes and scores; Where; stage 2: GatherNd
    // of the kept boxes, reshaped with the stage-0 shape (known on the host: Reshape needs it while converting).
    await expectSameAsTfjs({
      inputs,
      consts: { max: i32s(6), iou: f32s(0.5), st: f32s(0), half: f32s(0.7), m1: i32v([-1]), b1: i32v([1]), e2: i32v([2]), s1: i32v([1]), zero: i32s(0) },
      nodes: {
        ...scored,
        shp: node('Shape', ['bx'], { ...T, out_type: A.type('DT_INT32') }),
        last: node('StridedSlice', ['shp', 'b1', 'e2', 's1'], { ...TI, Index: A.type('DT_INT32'), begin_mask: A.i(0), end_mask: A.i(0), ellipsis_mask: A.i(0), new_axis_mask: A.i(0), shrink_axis_mask: A.i(0) }),
        ns: node('ConcatV2', ['m1', 'last', 'zero'], { ...TI, N: A.i(2), Tidx: A.type('DT_INT32') }),
        nms: node('NonMaxSuppressionV3', ['bx', 'sc', 'max', 'iou', 'st'], T),
        kb: node('GatherV2', ['bx', 'nms', 'zero'], GATHER),
        ks: node('GatherV2', ['sc', 'nms', 'zero'], GATHER),
        hi: node('Greater', ['ks', 'half'], T),
        w: node('Where', ['hi'], { T: A.type('DT_BOOL') }),
        sel: node('GatherNd', ['kb', 'w'], { Tparams: A.type('DT_FLOAT'), Tindices: A.type('DT_INT32') }),
        out: node('Reshape', ['sel', 'ns'], { ...T, Tshape: A.type('DT_INT32') }),
      },
      outputs: ['nms', 'ks', 'w', 'out'],
    }, {}, 'NMS+Where chain', 'cpu');
  });
});

describe('executeAsync: behaviour around the split', () => {
  const nmsCase: GraphCase = {
    inputs,
    consts: { max: i32s(4), iou: f32s(0.5) },
    nodes: { ...scored, nms: node('NonMaxSuppressionV2', ['bx', 'sc', 'max', 'iou'], T), y: node('Relu', ['bx'], T) },
    outputs: ['nms'],
  };
  const feeds = () => ({ boxes: wg.tensor(BOXES.data, BOXES.shape), logits: wg.tensor(LOGITS.data, LOGITS.shape), scale: wg.scalar(1) });

  test('predict, execute and model.graph name the node and point to executeAsync; outputs before the split still execute', async () => {
    const model = wgModel(nmsCase);
    try {
      await wg.scope(async () => {
        const f = feeds();
        expect(() => model.execute(f, 'nms')).toThrow(DynamicShapeError);
        expect(() => model.execute(f, 'nms')).toThrow(/node "nms" \(NonMaxSuppressionV2\).*executeAsync/);
        const y = model.execute(f, 'y') as wg.Tensor; // no data-dependent node on its path
        expect(Array.from(await y.data())).toEqual(BOXES.data.map((v) => Math.max(v, 0)).map(Math.fround));
        const viaAsync = (await model.executeAsync(f, 'y')) as wg.Tensor;
        expect(Array.from(await viaAsync.data())).toEqual(Array.from(await y.data()));
      });
    } finally {
      model.dispose();
    }
  });

  test('data-dependent ops on constants fold while converting: execute runs them (ListDiff as a transpose permutation)', async () => {
    const model = wgModel({
      inputs: { x: f32([2, 3, 4], 9) },
      consts: { all: i32v([0, 1, 2, 3]), drop: i32v([0]), first: i32v([0]), one: i32s(1) },
      nodes: {
        d: node('ListDiff', ['all', 'drop'], { ...TI, out_idx: A.type('DT_INT32') }),
        // perm [2, 1, 0]: the kept axes reversed; Transpose needs it on the host.
        rev: node('ReverseV2', ['d', 'first'], { ...TI, Tidx: A.type('DT_INT32') }),
        p: node('Sub', ['rev', 'one'], TI),
        t: node('Transpose', ['x', 'p'], { ...T, Tperm: A.type('DT_INT32') }),
      },
      outputs: ['t'],
    });
    try {
      await wg.scope(async () => {
        const t = model.execute({ x: wg.tensor(f32([2, 3, 4], 9).data, [2, 3, 4]) }, 't') as wg.Tensor;
        expect(t.shape).toEqual([4, 3, 2]);
      });
    } finally {
      model.dispose();
    }
  });

  test('in both modes, 50 runs give the same indices and leave nothing allocated but the outputs', async () => {
    const model = wgModel(nmsCase);
    try {
      for (const mode of ['graph', 'eager'] as const) {
        wg.config.runFunctionsEagerly(mode === 'eager');
        const before = wg.memory().tensors;
        let first: number[] | undefined;
        for (let i = 0; i < 50; i++) {
          await wg.scope(async () => {
            const out = (await model.executeAsync(feeds(), 'nms')) as wg.Tensor;
            const got = Array.from(await out.data());
            first ??= got;
            expect(got).toEqual(first);
          });
        }
        expect(wg.memory().tensors, `${mode}: tensors left after 50 runs`).toBe(before);
      }
    } finally {
      wg.config.runFunctionsEagerly(false);
      model.dispose();
    }
  });

  test('a bad value at a split (boxes of the wrong shape) is a clear error, and the model keeps working', async () => {
    const model = wgModel({ ...nmsCase, inputs: { ...inputs, boxes: f32([8, 3], 1) } });
    try {
      await wg.scope(async () => {
        const bad = { boxes: wg.tensor(f32([8, 3], 1).data, [8, 3]), logits: wg.tensor(LOGITS.data, [8]), scale: wg.scalar(2) };
        const before = wg.memory().tensors;
        await expect(model.executeAsync(bad, 'nms')).rejects.toThrow(/boxes must have shape \[numBoxes, 4\], got \[8, 3\]/);
        expect(wg.memory().tensors).toBe(before);
      });
    } finally {
      model.dispose();
    }
    const ok = wgModel(nmsCase);
    try {
      await wg.scope(async () => expect(((await ok.executeAsync(feeds(), 'nms')) as wg.Tensor).shape[0]).toBeGreaterThan(0));
    } finally {
      ok.dispose();
    }
  });
});



describe('name scopes', () => {
  test("model.graph's nodes carry their TensorFlow node's name as scope (the playground groups by it)", () => {
    const model = wgModel({
      inputs: { x: f32([2, 3], 3) },
      consts: { a: i32v([1]) },
      nodes: {
        'net/dense/Relu': node('Relu', ['x'], T),
        'net/head/Mean': node('Mean', ['net/dense/Relu', 'a'], { ...T, Tidx: A.type('DT_INT32'), keep_dims: A.b(false) }),
      },
      outputs: ['net/head/Mean'],
    });
    try {
      const ops = model.graph.nodes.filter((n) => n.op !== 'placeholder' && n.op !== 'constant');
      expect(ops.length).toBeGreaterThan(1);
      expect(new Set(ops.map((n) => n.scope))).toEqual(new Set(['net/dense/Relu', 'net/head/Mean']));
    } finally {
      model.dispose();
    }
  });
});
