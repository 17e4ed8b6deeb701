// Misuse of the public API on WebGPU: the right error class and message, thrown at the call, with the caller's location; the engine keeps working.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { expectLocation, siteOf } from '../helpers/locations';
import SOURCE from './bad_input.test.ts?raw';

type ErrorClass = abstract new (...args: never[]) => wg.WgError;

/** For calls whose location is a known engine issue (see 'the location survives deep engine call stacks'). */
const NO_LOC = { checkLocation: false };

/** Line and column of this file's first frame in a stack (in the coordinates the browser reports). */

const counts = () => {
  const m = wg.memory();
  return { tensors: m.tensors, bytesInUse: m.bytesInUse, buffersCreated: m.buffersCreated };
};

/** The error a call throws synchronously (fails the test when it does not throw). */
function attempt(call: () => unknown): unknown {
  try {
    call();
  } catch (e) {
    return e;
  }
  throw new Error('the call did not throw');
}

/**
 * Runs a bad call that must throw synchronously, and checks what every engine error must carry:
 * a WgError subclass, `op`, and a `location` on the line of `marker`. Create the marker in the same
 * statement as the call, `bad(new Error(), () => wg.add(a, b), …)`: the browser reports lines of the
 * transformed module, where separate statements may land on separate lines.
 * Nothing may be allocated by the failed call.
 */
function bad(
  marker: Error,
  call: () => unknown,
  cls: ErrorClass,
  op: string,
  parts: (string | RegExp)[],
  { checkLocation = true } = {},
): wg.WgError {
  const before = counts();
  const err = attempt(call);
  expect(err).toBeInstanceOf(cls);
  expect(err).toBeInstanceOf(wg.WgError);
  const e = err as wg.WgError;
  expect(e.name).toBe(cls.name);
  for (const p of parts) {
    if (typeof p === 'string') expect(e.message).toContain(p);
    else expect(e.message).toMatch(p);
  }
  expect(e.op).toBe(op);
  if (checkLocation) expectLocation(e, marker, 'bad_input.test.ts');
  expect(counts(), 'the failed call allocated something').toEqual(before);
  return e;
}


/** A follow-up op after an error: the engine still computes the right numbers. */
async function expectEngineWorks(): Promise<void> {
  const a = wg.tensor([1, 2, 3]);
  const b = wg.tensor([[10, 20, 30], [40, 50, 60]]);
  const c = wg.add(a, b);
  try {
    expect(c.shape).toEqual([2, 3]);
    expect(Array.from(await c.data())).toEqual([11, 22, 33, 41, 52, 63]);
  } finally {
    wg.dispose([a, b, c]);
  }
}

describe('shapes', () => {
  test('incompatible broadcast: add([2,3], [4])', async () => {
    const a = wg.zeros([2, 3]);
    const b = wg.zeros([4]);
    const e = bad(new Error(), () => wg.add(a, b), wg.ShapeError, 'add', ['add:', '[2,3]', '[4]', 'cannot be broadcast']);
    expect(e.shapes).toEqual([[2, 3], [4]]);
    // The method form names the same op.
    bad(new Error(), () => a.mul(b), wg.ShapeError, 'mul', ['mul:', '[2,3]', '[4]']);
    wg.dispose([a, b]);
    await expectEngineWorks();
  });

  // Note: under the test runner, `location.line` is the line in Vite's transformed module (browser stacks
  // are not source-mapped), so the tests compare with a `new Error()` made in the same statement. The
  // playground evaluates snippets untransformed with a sourceURL, where the line is the user's own.

  test('zeros with a non-integer dimension', async () => {
    bad(new Error(), () => wg.zeros([2.5]), wg.ShapeError, 'zeros', ['zeros:', '2.5', 'non-negative integers']);
    await expectEngineWorks();
  });

  test('zeros with a negative dimension', async () => {
    bad(new Error(), () => wg.zeros([3, -1]), wg.ShapeError, 'zeros', ['zeros:', '[3, -1]', 'invalid dimension -1']);
    await expectEngineWorks();
  });

  test('zeros with a NaN dimension', async () => {
    bad(new Error(), () => wg.zeros([NaN]), wg.ShapeError, 'zeros', ['zeros:', 'invalid dimension NaN']);
    await expectEngineWorks();
  });

  test('reshape to a different number of elements', async () => {
    const x = wg.zeros([2, 3]);
    const e = bad(new Error(), () => wg.reshape(x, [4]), wg.ShapeError, 'reshape', ['reshape:', '[2,3]', '6 elements', '[4]']);
    expect(e.shapes).toEqual([[2, 3], [4]]);
    bad(new Error(), () => x.reshape([4, -1]), wg.ShapeError, 'reshape', ['reshape:', 'cannot infer -1', '[4,-1]', '6 elements']);
    x.dispose();
    await expectEngineWorks();
  });

  test('reshape with two -1 dimensions', async () => {
    const x = wg.zeros([2, 3]);
    bad(new Error(), () => wg.reshape(x, [-1, -1]), wg.ShapeError, 'reshape', ['reshape:', 'only one dimension may be -1', '[-1,-1]']);
    bad(new Error(), () => wg.reshape(x, [-2, -3]), wg.ShapeError, 'reshape', ['reshape:', 'shape[0]', '-2']);
    x.dispose();
    await expectEngineWorks();
  });

  test('ragged nested arrays', async () => {
    // (location: see 'the location survives deep engine call stacks' below)
    bad(new Error(), () => wg.tensor([[1, 2], [3]]), wg.ShapeError, 'tensor', ['tensor:', 'ragged', '[1]', 'length 1', 'expected length 2'], NO_LOC);
    bad(new Error(), () => wg.tensor([[1, 2], 3]), wg.ShapeError, 'tensor', ['tensor:', 'ragged', '[1]', 'not an array'], NO_LOC);
    bad(new Error(), () => wg.tensor([1, [2, 3]]), wg.ShapeError, 'tensor', ['tensor:', 'ragged', '[1]'], NO_LOC);
    await expectEngineWorks();
  });

  test('values that do not fill the shape', async () => {
    const e = bad(new Error(), () => wg.tensor([1, 2, 3], [2, 2]), wg.ShapeError, 'tensor', ['tensor:', '3 values', '[2,2]', '4 elements']);
    expect(e.shapes).toEqual([[2, 2]]);
    await expectEngineWorks();
  });

  test('transpose with a bad perm', async () => {
    const x = wg.zeros([2, 3]);
    bad(new Error(), () => wg.transpose(x, [0, 0]), wg.ShapeError, 'transpose', ['transpose:', '[0, 0]', 'not a permutation', '[2,3]']);
    bad(new Error(), () => wg.transpose(x, [1, 0, 2]), wg.ShapeError, 'transpose', ['transpose:', '[1, 0, 2]', '2 dimensions']);
    bad(new Error(), () => x.transpose([0, 2]), wg.ShapeError, 'transpose', ['transpose:', '[0, 2]']);
    x.dispose();
    await expectEngineWorks();
  });

  test('range with step 0', async () => {
    bad(new Error(), () => wg.range(0, 10, 0), wg.ShapeError, 'range', ['range:', 'step must not be 0']);
    bad(new Error(), () => wg.range(5, 0, 0), wg.ShapeError, 'range', ['range:', 'step must not be 0']);
    bad(new Error(), () => wg.range(5, NaN), wg.ShapeError, 'range', ['range:', 'stop', 'finite']);
    await expectEngineWorks();
  });

  test('eye with a bad batchShape', async () => {
    bad(new Error(), () => wg.eye(2, 2, [-1]), wg.ShapeError, 'eye', ['eye:', 'batchShape']);
    bad(new Error(), () => wg.eye(2, 3, [1.5], 'int32'), wg.ShapeError, 'eye', ['eye:', 'batchShape']);
    // null and undefined mean "no batch dimensions" (TensorFlow.js code passes them to reach dtype)
    await wg.scope(async () => {
      for (const batch of [null, undefined]) {
        const e = wg.eye(2, 2, batch, 'int32');
        expect([e.dtype, ...e.shape]).toEqual(['int32', 2, 2]);
        expect(Array.from(await e.data())).toEqual([1, 0, 0, 1]);
      }
    });
    await expectEngineWorks();
  });
});

describe('dtypes', () => {
  test('unknown dtype in zeros (class, dtype name, location)', async () => {
    const before = counts();
    const [marker, err] = [new Error(), attempt(() => wg.zeros([2], 'float64' as wg.DType)) as wg.WgError];
    expect(err).toBeInstanceOf(wg.DTypeError);
    expect(err.message).toContain('unknown dtype "float64"');
    expect(err.message).toContain('float32, int32, uint32, bool');
    expect(err.op).toBeTruthy();
    expectLocation(err, marker, 'bad_input.test.ts');
    expect(counts()).toEqual(before);
    await expectEngineWorks();
  });

  // Regression (fixed): zeros/ones delegate to fill, whose dtype check names `fill`: the user called zeros.
  test('unknown dtype in zeros names zeros, not fill', () => {
    bad(new Error(), () => wg.zeros([2], 'float64' as wg.DType), wg.DTypeError, 'zeros', ['zeros:', '"float64"']);
  });

  test('unknown dtype in cast', async () => {
    const x = wg.tensor([1.5, 2.5]);
    bad(new Error(), () => wg.cast(x, 'half' as wg.DType), wg.DTypeError, 'cast', ['cast:', 'unknown dtype "half"']);
    bad(new Error(), () => x.cast('float64' as wg.DType), wg.DTypeError, 'cast', ['cast:', '"float64"']);
    x.dispose();
    await expectEngineWorks();
  });

  test('non-numeric values', async () => {
    // (location: see 'the location survives deep engine call stacks' below)
    bad(new Error(), () => wg.tensor(['a'] as unknown as number[]), wg.DTypeError, 'tensor', ['tensor:', 'numbers or booleans', '"a"'], NO_LOC);
    bad(new Error(), () => wg.tensor([[1, null]] as unknown as number[][]), wg.DTypeError, 'tensor', ['tensor:', 'null', '[0][1]'], NO_LOC);
    await expectEngineWorks();
  });

  test('an array where a tensor is expected', async () => {
    bad(new Error(), () => wg.add([1, 2] as unknown as wg.Tensor, 1), wg.DTypeError, 'add', ['add:', 'argument 1', 'an array', 'wg.tensor']);
    const x = wg.tensor([1, 2]);
    bad(new Error(), () => wg.mul(x, 'two' as unknown as number), wg.DTypeError, 'mul', ['mul:', 'argument 2', 'string']);
    bad(new Error(), () => wg.reshape([1, 2] as unknown as wg.Tensor, [2]), wg.ShapeError, 'reshape', ['reshape:', 'expected a Tensor']);
    x.dispose();
    await expectEngineWorks();
  });

  // Bool operands of binary arithmetic upcast as in TensorFlow.js (values: the NumPy fixtures' bool cases);
  // what stays an error is a bool where only numbers make sense, and numbers where only bools do.
  test('bool operands: arithmetic upcasts, unary numeric ops do not', async () => {
    const b = wg.tensor([true, false]);
    const f = wg.tensor([1.5, 2]);
    await wg.scope(async () => {
      const bb = wg.add(b, b);
      expect(bb.dtype).toBe('int32');
      expect(Array.from(await bb.data())).toEqual([2, 0]);
      const fb = wg.mul(f, b);
      expect(fb.dtype).toBe('float32');
      expect(Array.from(await fb.data())).toEqual([1.5, 0]);
    });
    const e = bad(new Error(), () => wg.neg(b), wg.DTypeError, 'neg', ['neg', 'numeric', '(got bool)']);
    expect(e.dtypes).toEqual(['bool']);
    bad(new Error(), () => wg.exp(b), wg.DTypeError, 'exp', ['exp', 'numeric', '(got bool)']);
    bad(new Error(), () => wg.logicalAnd(b, f), wg.DTypeError, 'logicalAnd', ['logicalAnd', 'bool', '(got bool, float32)']);
    wg.dispose([b, f]);
    await expectEngineWorks();
  });

  test('a bare number next to a bool tensor', async () => {
    const b = wg.tensor([true, false]);
    const u = wg.tensor([1, 2], null, 'uint32');
    // 0 and 1 are bools there; other numbers are int32 or float32 operands (2 is added, not read as true)
    await wg.scope(async () => {
      const two = wg.add(b, 2);
      expect(two.dtype).toBe('int32');
      expect(Array.from(await two.data())).toEqual([3, 2]);
      expect(Array.from(await wg.logicalAnd(b, 1).data())).toEqual([1, 0]);
    });
    bad(new Error(), () => wg.add(b, 2 ** 31), wg.DTypeError, 'add', ['add:', 'the number 2147483648']);
    bad(new Error(), () => wg.logicalOr(b, 2), wg.DTypeError, 'logicalOr', ['logicalOr', 'bool', '(got bool, int32)']);
    bad(new Error(), () => wg.where(b, b, 2), wg.DTypeError, 'where', ['where', 'bool', 'int32']);
    // bool with uint32 is uint32; int32 with uint32 still has no common dtype, bool or not
    await wg.scope(async () => {
      const ub = wg.sub(u, b);
      expect(ub.dtype).toBe('uint32');
      expect(Array.from(await ub.data())).toEqual([0, 2]);
    });
    wg.dispose([b, u]);
    await expectEngineWorks();
  });

  test('int32 with uint32', async () => {
    const i = wg.tensor([1, 2], null, 'int32');
    const u = wg.tensor([1, 2], null, 'uint32');
    const e = bad(new Error(), () => wg.add(i, u), wg.DTypeError, 'add', ['add', 'int32', 'uint32', 'cast one operand']);
    expect(e.dtypes).toEqual(['int32', 'uint32']);
    expect(e.shapes).toEqual([[2], [2]]);
    wg.dispose([i, u]);
    await expectEngineWorks();
  });

  test('a number out of range for uint32', async () => {
    const u = wg.tensor([1, 2], null, 'uint32');
    bad(new Error(), () => wg.add(u, -1), wg.DTypeError, 'add', ['add:', 'the number -1', 'uint32']);
    bad(new Error(), () => wg.sub(u, 2 ** 32), wg.DTypeError, 'sub', ['sub:', '4294967296', 'uint32']);
    const i = wg.tensor([1], null, 'int32');
    bad(new Error(), () => wg.mul(i, 2 ** 31), wg.DTypeError, 'mul', ['mul:', '2147483648', 'int32']);
    wg.dispose([u, i]);
    await expectEngineWorks();
  });

  test('logical ops on floats', async () => {
    const f = wg.tensor([0, 1]);
    const b = wg.tensor([true, false]);
    bad(new Error(), () => wg.logicalAnd(f, f), wg.DTypeError, 'logicalAnd', ['logicalAnd', 'bool', '(got float32, float32)']);
    bad(new Error(), () => wg.logicalOr(b, f), wg.DTypeError, 'logicalOr', ['logicalOr', 'bool', '(got bool, float32)']);
    bad(new Error(), () => wg.logicalNot(f), wg.DTypeError, 'logicalNot', ['logicalNot', 'bool', '(got float32)']);
    wg.dispose([f, b]);
    await expectEngineWorks();
  });

  test('where with a non-bool condition', async () => {
    const c = wg.tensor([1, 0]);
    const x = wg.tensor([1, 2]);
    const e = bad(new Error(), () => wg.where(c, x, x), wg.DTypeError, 'where', ['where', 'bool condition', '(got float32, float32, float32)']);
    expect(e.dtypes).toEqual(['float32', 'float32', 'float32']);
    wg.dispose([c, x]);
    await expectEngineWorks();
  });

  test('clipByValue with min > max', async () => {
    const x = wg.tensor([1, 2, 3]);
    bad(new Error(), () => wg.clipByValue(x, 2, 1), wg.ShapeError, 'clipByValue', ['clipByValue:', 'clipValueMin 2', 'clipValueMax 1']);
    bad(new Error(), () => x.clipByValue(NaN, 1), wg.ShapeError, 'clipByValue', ['clipByValue:', 'NaN']);
    x.dispose();
    await expectEngineWorks();
  });
});

describe('the TensorFlow.js ops added with the registry', () => {
  test('bool and mixed-sign integer operands', async () => {
    const b = wg.tensor([true, false]);
    const i = wg.tensor([1, 2], null, 'int32');
    const u = wg.tensor([1, 2], null, 'uint32');
    for (const op of ['asin', 'acosh', 'sinh', 'selu', 'logSigmoid', 'relu6'] as const) {
      bad(new Error(), () => wg[op](b), wg.DTypeError, op, [op, 'numeric', '(got bool)']);
    }
    bad(new Error(), () => wg.step(b), wg.DTypeError, 'step', ['step', 'numeric', '(got bool)']);
    bad(new Error(), () => wg.squaredDifference(i, u), wg.DTypeError, 'squaredDifference', ['int32', 'uint32', 'cast one operand']);
    bad(new Error(), () => wg.divNoNan(u, i), wg.DTypeError, 'divNoNan', ['uint32', 'int32']);
    // isNaN/isInf/isFinite take any dtype (bools and integers are finite), as TensorFlow.js
    await wg.scope(async () => {
      expect(Array.from(await wg.isFinite(b).data())).toEqual([1, 1]);
      expect(Array.from(await wg.isNaN(i).data())).toEqual([0, 0]);
    });
    wg.dispose([b, i, u]);
    await expectEngineWorks();
  });

  test('step with a non-number alpha, prelu without alpha', async () => {
    const x = wg.tensor([-1, 2]);
    bad(new Error(), () => wg.step(x, NaN), wg.ShapeError, 'step', ['step:', 'alpha must be a number', 'NaN']);
    bad(new Error(), () => x.step('0.5' as never), wg.ShapeError, 'step', ['step:', 'alpha must be a number']);
    bad(new Error(), () => wg.prelu(x, undefined as never), wg.DTypeError, 'prelu', ['prelu:', 'argument 2']);
    x.dispose();
    await expectEngineWorks();
  });

  test('addN with no tensors, mismatched shapes or dtypes, or a non-tensor', async () => {
    const a = wg.tensor([1, 2, 3]);
    const b = wg.tensor([1, 2]);
    const c = wg.tensor([1, 2, 3], null, 'int32');
    bad(new Error(), () => wg.addN([]), wg.ShapeError, 'addN', ['addN:', 'non-empty array']);
    const e = bad(new Error(), () => wg.addN([a, b]), wg.ShapeError, 'addN', ['addN:', 'float32 [3]', 'tensors[1] is float32 [2]']);
    expect(e.shapes).toEqual([[3], [2]]);
    bad(new Error(), () => wg.addN([a, c]), wg.DTypeError, 'addN', ['addN:', 'tensors[1] is int32 [3]']);
    bad(new Error(), () => wg.addN([a, 3 as never]), wg.ShapeError, 'addN', ['addN:', 'tensors[1] must be a Tensor']);
    await wg.scope(async () => {
      expect(Array.from(await wg.addN([a, a, a]).data())).toEqual([3, 6, 9]);
    });
    wg.dispose([a, b, c]);
    await expectEngineWorks();
  });
});

describe('lifetime', () => {
  test('a disposed tensor in an op', async () => {
    const x = wg.tensor([1, 2]);
    x.dispose();
    const e = bad(new Error(), () => wg.add(x, 1), wg.DisposedError, 'add', ['add:', `tensor #${x.id}`, 'float32 [2]', 'disposed']);
    expect(e.shapes).toEqual([[2]]);
    // (location: see 'the location survives deep engine call stacks' below)
    bad(new Error(), () => x.exp(), wg.DisposedError, 'exp', ['exp:', 'disposed'], NO_LOC);
    bad(new Error(), () => wg.reshape(x, [2, 1]), wg.DisposedError, 'reshape', ['reshape:', 'disposed']);
    await expectEngineWorks();
  });

  test('a disposed tensor in data(): the promise rejects, located at the call', async () => {
    const x = wg.tensor([1, 2]);
    x.dispose();
    // data() is async, so the error arrives as a rejection; it is still created synchronously at the call.
    const [marker, p] = [new Error(), x.data()];
    let err: wg.WgError | undefined;
    try {
      await p;
    } catch (e) {
      err = e as wg.WgError;
    }
    expect(err).toBeInstanceOf(wg.DisposedError);
    expect(err!.message).toContain(`data: tensor #${x.id} (float32 [2]) was disposed`);
    expect(err!.op).toBe('data');
    expectLocation(err!, marker, 'bad_input.test.ts');
    await expect(x.array()).rejects.toBeInstanceOf(wg.DisposedError);
    await expectEngineWorks();
  });

  test('tidy given an async function', async () => {
    const x = wg.tensor([1, 2]);
    let inner: wg.Tensor | undefined;
    const fn = async () => (inner = wg.add(x, 1)); // runs synchronously up to its first await (none here)
    bad(new Error(), () => wg.tidy(fn), wg.ScopeError, 'tidy', ['tidy:', 'Promise', 'wg.scope']);
    // The tensor made before the function returned was still freed by tidy.
    expect(inner?.isDisposed).toBe(true);
    x.dispose();
    await expectEngineWorks();
  });

  test('two wg.scopes running concurrently under Promise.all', async () => {
    const { err, made, bResult } = await concurrentScopes();
    try {
      expect(err).toBeInstanceOf(wg.ScopeError);
      expect(err!.op).toBe('scope');
      expect(err!.message).toContain('scope: another wg.scope started while this one was awaiting');
      // The error is raised after an await: there may be no user frame, but it must never point into the engine.
      if (err!.location) expect(err!.location.file).not.toMatch(/\/engine\//);
      // A's tensors were handed to B (the scope still running, which might own them); B ended normally and
      // freed them with its own temporary, keeping only its result: nothing leaks at top level.
      expect(made.map((t) => t.isDisposed)).toEqual([true, true, false, true]);
      expect(bResult).toBe(made[2]);
      expect(Array.from(await bResult!.data())).toEqual([3, 3, 3]);
    } finally {
      wg.dispose(made); // whatever remains
    }
    await expectEngineWorks();
  });
});

/**
 * Scope A starts, then scope B; A ends first while B is still on top of the scope stack, so A raises a
 * ScopeError. Returns that error, every tensor both made, and B's result; the caller disposes `made`.
 */
async function concurrentScopes(): Promise<{ err: wg.WgError | undefined; made: wg.Tensor[]; bResult: wg.Tensor | undefined }> {
  const made: wg.Tensor[] = [];
  let releaseA!: () => void;
  let releaseB!: () => void;
  const gateA = new Promise<void>((r) => (releaseA = r));
  const gateB = new Promise<void>((r) => (releaseB = r));
  const a = wg.scope(async () => {
    const t = wg.fill([2], 1);
    made.push(t, wg.fill([2], 2));
    await gateA;
    return t;
  });
  const b = wg.scope(async () => {
    const t = wg.fill([3], 3);
    made.push(t, wg.fill([3], 4));
    await gateB;
    return t;
  });
  const all = Promise.all([a, b]);
  releaseA();
  let err: wg.WgError | undefined;
  try {
    await all;
  } catch (e) {
    err = e as wg.WgError;
  }
  releaseB();
  let bResult: wg.Tensor | undefined;
  try {
    bResult = await b;
  } catch {
    // reported through `made` / the caller's assertions
  }
  return { err, made, bResult };
}

describe('error locations', () => {
  // Regression (fixed): callerLocation() reads `new Error().stack`, which V8 cuts at Error.stackTraceLimit (10) frames.
  // Validation that runs a few calls deep (the recursive ragged-array check, a disposed operand reached through
  // a Tensor method) leaves the user's frame beyond the 10th, so `location` is undefined.
  test('the location survives deep engine call stacks', () => {
    const x = wg.tensor([1, 2]);
    x.dispose();
    const cases: [Error, () => unknown][] = [
      [new Error(), () => wg.tensor([[1, 2], [3]])],
      [new Error(), () => wg.tensor(['a'] as unknown as number[])],
      [new Error(), () => x.exp()],
    ];
    for (const [marker, call] of cases) expectLocation(attempt(call) as wg.WgError, marker, 'bad_input.test.ts');
  });

  // Regression (fixed): when the user's frame is an awaiting one, V8 prints it as `at async <url>:line:col` and
  // userFrame() keeps "async " in the file name: the scope error's location.file is
  // "async http://localhost:…/tests/browser/bad_input.test.ts" (the origin is not stripped either).
  test('an error raised after an await has a clean file name', async () => {
    let releaseA!: () => void;
    let releaseB!: () => void;
    const a = wg.scope(() => new Promise<void>((r) => (releaseA = r)));
    const b = wg.scope(() => new Promise<void>((r) => (releaseB = r)));
    releaseA();
    let err: wg.WgError | undefined;
    try {
      await a; // this anonymous test function is the only user frame, printed as `at async <url>:line:col`
    } catch (e) {
      err = e as wg.WgError;
    }
    releaseB();
    await b;
    expect(err).toBeInstanceOf(wg.ScopeError);
    expect(err!.location?.file).toMatch(/^(?!async )[^:]*bad_input\.test\.ts$/);
  });
});

describe('device limits', () => {
  test('a tensor larger than the device allows: LimitError, nothing allocated', async () => {
    const before = wg.memory();
    const [marker, err] = [new Error(), attempt(() => wg.zeros([2 ** 30])) as wg.WgError];
    expect(err).toBeInstanceOf(wg.LimitError);
    expect(err.message).toMatch(/maxStorageBufferBindingSize|maxBufferSize/);
    expect(err.message).toContain('[1073741824]');
    expect(err.message).toContain('4294967296 bytes');
    expect(err.op).toBeTruthy();
    expect(err.shapes).toEqual([[2 ** 30]]);
    expect(err.dtypes).toEqual(['float32']);
    expectLocation(err, marker, 'bad_input.test.ts');
    expect(wg.memory()).toEqual(before);
    // Ops on existing tensors check their output size the same way.
    const big = wg.zeros([2 ** 15]);
    const col = wg.reshape(big, [2 ** 15, 1]);
    const before2 = wg.memory();
    bad(new Error(), () => wg.add(col, big), wg.LimitError, 'add', ['add:', '[32768,32768]', /maxStorageBufferBindingSize|maxBufferSize/]);
    expect(wg.memory()).toEqual(before2);
    wg.dispose([big, col]);
    await expectEngineWorks();
  });

  // Regression (fixed): the LimitError comes from the fill generator, so it names `fill` although the user called zeros.
  test('the LimitError of zeros names zeros', () => {
    bad(new Error(), () => wg.zeros([2 ** 30]), wg.LimitError, 'zeros', ['zeros:']);
  });
});
