// The CPU backend: typed-array storage and an evaluator for Kernel IR (the fallback device, and the
// twin the property tests compare WebGPU against). No eval(): kernels compile to arrays of closures.
import { DTYPE_INFO, storageArray, type DType } from '../../core/dtype';
import { broadcastStrides, contiguousStrides } from '../../core/shape';
import { exprToString, linearize, type Expr } from '../../ir/expr';
import { kernelToString, type ElementwiseKernel, type Launch } from '../../ir/kernel';
import { profiling, type BackendCounters, type ProfileCollector, type ProfiledDevice } from '../../core/profile';
import type { Backend, BackendLimits, MemoryStats, ReadRequest, StorageArray } from '../backend';
import { DTYPE_OF_ARRAY, launchMeta, transferMeta } from '../meta';
import { CPU_PRIMS, castValue } from './prims';
import { cpuMatmul, cpuReduce, cpuScan, type Prologue, type Unary } from './kernels';

export interface CpuStorage {
  data: StorageArray;
}

type Step = (regs: Float64Array, ins: StorageArray[]) => void;

interface Program {
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

const MAX_CPU_BYTES = 2 ** 31 - 1; // typed arrays past 2 GiB are not portable across engines

export class CpuBackend implements Backend<CpuStorage, Launch<CpuStorage>[]> {
  readonly name = 'cpu' as const;
  readonly limits: BackendLimits = { maxStorageBytes: MAX_CPU_BYTES, maxStorageLimitName: 'CPU typed-array size' };
  private bytesInUse = 0;
  private created = 0;
  private programs = new Map<string, Program>();
  dispatches = 0;
  private attached = new WeakSet<ProfileCollector>();
  /** A profile's view of this device: CPU kernels are timed as they run, so there is nothing to resolve. */
  private readonly profiled: ProfiledDevice = {
    counters: (): BackendCounters => ({ dispatches: this.dispatches, submissions: 0, pipelinesCompiled: 0 }),
    finish: async () => {},
  };

  alloc(bytes: number): CpuStorage {
    this.created++;
    this.bytesInUse += bytes;
    profiling.current?.notePeak(this.bytesInUse);
    return { data: new Uint32Array(bytes / 4) };
  }

  upload(data: StorageArray): CpuStorage {
    const s = this.alloc(data.byteLength);
    new Uint32Array(s.data.buffer).set(new Uint32Array(data.buffer, data.byteOffset, data.length));
    if (profiling.current) this.collector()!.add(transferMeta('upload', data.length, DTYPE_OF_ARRAY(data), false), 'cpu', { kernelId: 'transfer:upload' });
    return s;
  }

  private collector(): ProfileCollector | undefined {
    const c = profiling.current;
    if (c) this.startProfile(c);
    return c;
  }

  /** Joins a profile (its counters are the baseline of the totals). */
  startProfile(c: ProfileCollector): void {
    if (this.attached.has(c)) return;
    this.attached.add(c);
    c.attach(this.profiled);
  }

  release(h: CpuStorage): void {
    this.bytesInUse -= h.data.byteLength;
  }

  flush(): void {}

  memory(): MemoryStats {
    return { bytesInUse: this.bytesInUse, bytesPooled: 0, buffersCreated: this.created };
  }

  async read(h: CpuStorage, dtype: DType, offset: number, count: number): Promise<StorageArray> {
    const src = storageArray(dtype, h.data.buffer as ArrayBuffer);
    return src.slice(offset, offset + count);
  }

  async readMany(reads: ReadRequest<CpuStorage>[]): Promise<StorageArray[]> {
    return Promise.all(reads.map((r) => this.read(r.handle, r.dtype, r.offset, r.count)));
  }

  write(h: CpuStorage, data: StorageArray): void {
    new Uint32Array(h.data.buffer).set(new Uint32Array(data.buffer, data.byteOffset, data.length));
  }

  copy(src: CpuStorage, srcOffset: number, dst: CpuStorage, dstOffset: number, count: number): void {
    const s = new Uint32Array(src.data.buffer);
    new Uint32Array(dst.data.buffer).set(s.subarray(srcOffset, srcOffset + count), dstOffset);
  }

  /** A CPU program is its launch list: nothing to precompute beyond the compiled expressions. */
  prepare(launches: Launch<CpuStorage>[]): Launch<CpuStorage>[] {
    return launches;
  }

  enqueue(program: Launch<CpuStorage>[], rebind?: Map<CpuStorage, CpuStorage>): void {
    if (!rebind || rebind.size === 0) {
      for (const l of program) this.run(l);
      return;
    }
    const h = (x: CpuStorage) => rebind.get(x) ?? x;
    for (const l of program) this.run({ ...l, inputs: l.inputs.map((v) => ({ ...v, handle: h(v.handle) })), out: h(l.out) });
  }

  releaseProgram(): void {}

  run(launch: Launch<CpuStorage>): void {
    this.dispatches++;
    const c = this.collector();
    if (!c) return this.runKernel(launch);
    const t0 = performance.now();
    this.runKernel(launch);
    const ms = performance.now() - t0;
    c.add(launchMeta(launch), 'cpu', { kernelId: `cpu:${launch.kernel.kind}:${launch.kernel.name}`, cpuMs: ms, startMs: t0 - c.t0 });
  }

  private runKernel(launch: Launch<CpuStorage>): void {
    const k = launch.kernel;
    switch (k.kind) {
      case 'elementwise':
        return this.elementwise(k, launch);
      case 'reduce':
        return cpuReduce(k, launch, this.multi(k.prologue, launch.params), this.unary(k.epilogue, launch.params));
      case 'matmul':
        return cpuMatmul(k, launch, k.epilogue ? this.multi(k.epilogue, launch.params) : undefined);
      case 'scan':
        return cpuScan(k, launch);
      default:
        return k satisfies never;
    }
  }

  /** A one-input expression (a reduction epilogue) as a function, with params bound. */
  private unary(e: Expr, params: number[]): Unary {
    const f = this.multi(e, params);
    const xs = new Float64Array(1);
    return (x) => {
      xs[0] = x;
      return f(xs);
    };
  }

  /** An expression of several inputs (a reduction prologue, a matmul epilogue) as a function of their values. */
  private multi(e: Expr, params: number[]): Prologue {
    const key = exprToString(e);
    let prog = this.programs.get(key);
    if (!prog) this.programs.set(key, (prog = compile(e)));
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

  private program(k: ElementwiseKernel): Program {
    const key = kernelToString(k);
    let p = this.programs.get(key);
    if (!p) {
      p = compile(k.expr);
      this.programs.set(key, p);
    }
    return p;
  }

  private elementwise(k: ElementwiseKernel, launch: Launch<CpuStorage>): void {
    const prog = this.program(k);
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
}

/** Compiles an expression DAG into register-machine steps; every step rounds to its node's dtype. */
function compile(root: Expr): Program {
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
