// The CPU backend's reference evaluator: an expression DAG compiled to an array of closures over
// float64 registers, every step rounded to its node's dtype. Needs no eval (the fallback where a page's
// Content-Security-Policy forbids it); the generated kernels in jit.ts must match it bit for bit.
import { DTYPE_INFO, storageArray } from '../../core/dtype';
import { broadcastStrides, contiguousStrides } from '../../core/shape';
import { exprToString, linearize, type Expr } from '../../ir/expr';
import { kernelToString, type ElementwiseKernel, type Launch } from '../../ir/kernel';
import type { StorageArray } from '../backend';
import type { CpuStorage } from './cpu_backend';
import type { Prologue, Unary } from './kernels';
import { primCtx } from '../../ir/prims';
import { castFn, primFn } from './prims';

type Step = (regs: Float64Array, ins: StorageArray[]) => void;

export interface Program {
  /** One step per non-leaf node; leaf registers are filled by the element loop. */
  steps: Step[];
  inputSlots: { slot: number; input: number }[];
  paramSlots: { slot: number; param: number; round: (x: number) => number }[];
  indexSlots: number[];
  coordSlots: { slot: number; dim: number }[];
  literals: { slot: number; value: number }[];
  result: number;
  size: number;
}

/** Compiles an expression DAG into register-machine steps; every step rounds to its node's dtype. */
export function compile(root: Expr): Program {
  const { nodes, slotOf, roots } = linearize([root]);
  const prog: Program = {
    steps: [], inputSlots: [], paramSlots: [], indexSlots: [], coordSlots: [], literals: [], result: roots[0], size: nodes.length,
  };
  nodes.forEach((n, slot) => {
    const round = DTYPE_INFO[n.dtype].round;
    const args = n.args.map((a) => slotOf.get(a)!);
    switch (n.prim) {
      case 'input':
        prog.inputSlots.push({ slot, input: n.value });
        return;
      case 'param':
        prog.paramSlots.push({ slot, param: n.value, round }); // the GPU sees params as float32/int32 bits too
        return;
      case 'lit':
        prog.literals.push({ slot, value: round(n.value) });
        return;
      case 'index':
        prog.indexSlots.push(slot);
        return;
      case 'coord':
        prog.coordSlots.push({ slot, dim: n.value });
        return;
      case 'load': {
        const [at] = args;
        const input = n.value;
        prog.steps.push((r, ins) => (r[slot] = ins[input][r[at]]));
        return;
      }
      case 'cast': {
        const [a] = args;
        const f = castFn(n.args[0].dtype, n.dtype);
        prog.steps.push((r) => (r[slot] = round(f(r[a], 0, 0))));
        return;
      }
      default: {
        // The table's JS form as a function of the operand values.
        const f = primFn(n.prim, primCtx(n));
        const [a, b = 0, c = 0] = args;
        prog.steps.push((r) => (r[slot] = round(f(r[a], r[b], r[c]))));
      }
    }
  });
  return prog;
}

/** Compiled programs by kernel (elementwise) or expression (prologues, epilogues). */
const programs = new Map<string, Program>();

/** A one-input expression (a reduction epilogue) as a function, with params bound. */
export function interpretedUnary(e: Expr, params: number[]): Unary {
  const f = interpretedFn(e, params);
  const xs = new Float64Array(1);
  return (x) => {
    xs[0] = x;
    return f(xs);
  };
}

/** An expression of several inputs (a reduction prologue, a matmul epilogue) as a function of their values. */
export function interpretedFn(e: Expr, params: number[]): Prologue {
  const key = exprToString(e);
  let prog = programs.get(key);
  if (!prog) programs.set(key, (prog = compile(e)));
  const p = prog;
  const regs = new Float64Array(p.size);
  for (const { slot, param, round: r } of p.paramSlots) regs[slot] = r(params[param]);
  for (const { slot, value } of p.literals) regs[slot] = value;
  const round = DTYPE_INFO[e.dtype].round;
  return (xs) => {
    for (const { slot, input } of p.inputSlots) regs[slot] = xs[input];
    for (const step of p.steps) step(regs, []);
    return round(regs[p.result]);
  };
}

function program(k: ElementwiseKernel): Program {
  const key = kernelToString(k);
  let p = programs.get(key);
  if (!p) {
    p = compile(k.expr);
    programs.set(key, p);
  }
  return p;
}

/** Runs an elementwise launch through the closure program of its kernel. */
export function interpretElementwise(k: ElementwiseKernel, launch: Launch<CpuStorage>): void {
  const prog = program(k);
  const outShape = launch.outShape;
  const rank = outShape.length;
  let size = 1;
  for (const d of outShape) size *= d;
  if (size === 0) return;
  const out = storageArray(k.out, launch.out.data.buffer as ArrayBuffer);
  const ins = launch.inputs.map((v) => storageArray(v.dtype, v.handle.data.buffer as ArrayBuffer));
  // Positions advance incrementally: every input, and the output as the last entry.
  const strides = launch.inputs.map((v) => broadcastStrides(v.shape, v.strides, outShape));
  const pos = launch.inputs.map((v) => v.offset);
  strides.push(launch.outView ? [...launch.outView.strides] : contiguousStrides(outShape));
  pos.push(launch.outView ? launch.outView.offset : 0);
  const outSlot = pos.length - 1;
  const regs = new Float64Array(prog.size);
  for (const { slot, param, round: r } of prog.paramSlots) regs[slot] = r(launch.params[param]);
  for (const { slot, value } of prog.literals) regs[slot] = value;
  const coord = new Array<number>(rank).fill(0);
  const round = DTYPE_INFO[k.out].round;
  const nIn = prog.inputSlots.length;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < nIn; j++) {
      const { slot, input } = prog.inputSlots[j];
      regs[slot] = ins[input][pos[input]];
    }
    for (const s of prog.indexSlots) regs[s] = i;
    for (const c of prog.coordSlots) regs[c.slot] = coord[c.dim];
    for (const step of prog.steps) step(regs, ins);
    out[pos[outSlot]] = round(regs[prog.result]);
    // Advance the coordinate counter and every input's position (no division per element).
    for (let d = rank - 1; d >= 0; d--) {
      coord[d]++;
      for (let j = 0; j < pos.length; j++) pos[j] += strides[j][d];
      if (coord[d] < outShape[d]) break;
      for (let j = 0; j < pos.length; j++) pos[j] -= strides[j][d] * coord[d];
      coord[d] = 0;
    }
  }
}
