// The CPU backend's reference evaluator: an expression DAG compiled to an array of closures over
// float64 registers, every step rounded to its node's dtype. Needs no eval (the fallback where a page's
// Content-Security-Policy forbids it); the generated kernels in jit.ts must match it bit for bit.
import { DTYPE_INFO } from '../../core/dtype';
import { linearize, type Expr } from '../../ir/expr';
import type { StorageArray } from '../backend';
import { CPU_PRIMS, castValue } from './prims';

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
        const from = n.args[0].dtype;
        const [a] = args;
        prog.steps.push((r) => (r[slot] = round(castValue(r[a], from, n.dtype))));
        return;
      }
      default: {
        const f = CPU_PRIMS[n.prim];
        const operand = n.args[n.prim === 'where' ? 1 : 0].dtype;
        const [a, b = 0, c = 0] = args;
        prog.steps.push((r) => (r[slot] = round(f(r[a], r[b], r[c], operand))));
      }
    }
  });
  return prog;
}
