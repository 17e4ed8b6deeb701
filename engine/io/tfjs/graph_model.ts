// A TensorFlow.js graph model run by wgflow: TensorFlow.js's GraphModel interface over the converter. predict and
// execute run the model through a wg.function (one per set of outputs): in graph mode a compiled plan (passes,
// fusion, memory plan, one submission), eagerly (withMode('eager'), config.runFunctionsEagerly) node by node.
import * as wg from '../../index';
import { type HostValue, Converter, checkSupported, numericDType, type OpTable } from './convert';
import { DYNAMIC_OPS } from './ops/dynamic';
import { planSplit, type SplitPlan } from './split';
import { ModelFormatError } from './errors';
import type { ParsedGraphModel, TensorSpec } from './model_json';
import { OP_TABLE } from './ops/index';

/** A model input or output as GraphModel.inputs/outputs list it. */
export interface ModelTensorInfo {
  /** The signature key (or node name) predict's named inputs and outputs use. */
  name: string;
  /** The graph tensor ('node:0'). */
  tensor: string;
  /** -1 for a size not known until run time; undefined for an unknown rank. */
  shape: number[] | undefined;
  dtype: 'float32' | 'int32' | 'bool' | undefined;
}

/** Decoded weights by name (the weights manifest's names: Const nodes). */
export type WeightMap = ReadonlyMap<string, HostValue>;

export type ModelInputs = wg.Tensor | wg.Tensor[] | Record<string, wg.Tensor>;

const info = (s: TensorSpec): ModelTensorInfo => ({
  name: s.key,
  tensor: `${s.node}:${s.output}`,
  shape: s.shape && [...s.shape],
  dtype: s.dtype === undefined || s.dtype === 'string' || s.dtype === 'complex64' ? undefined : s.dtype,
});

export class GraphModel {
  readonly inputs: ModelTensorInfo[];
  readonly outputs: ModelTensorInfo[];
  private readonly converter: Converter;
  private readonly functions = new Map<string, ReturnType<typeof wg.function>>();
  /** executeAsync's plans by output set (undefined: nothing to split, execute's plan). */
  private readonly splits = new Map<string, SplitPlan | undefined>();
  /** The stage functions of executeAsync, by output set and stage. */
  private readonly stageFunctions = new Map<string, { f: ReturnType<typeof wg.function>; call?: StageCall }>();
  /** Host data each stage's trace knew for its outputs, by stage and argument signature (see runStages). */
  private readonly stageKnown = new Map<string, (HostValue | undefined)[]>();
  private built: wg.Graph | undefined;
  private disposed = false;

  /** Checks every op is supported (one error listing all that are not) before anything is allocated. */
  constructor(
    readonly model: ParsedGraphModel,
    weights: WeightMap,
    table: OpTable = OP_TABLE,
  ) {
    checkSupported(model, table);
    this.inputs = model.inputs.map(info);
    this.outputs = model.outputs.map(info);
    this.converter = new Converter(model, table, (node) => constValue(node, weights));
    this.converter.materialize();
  }

  /** Runs the model on its inputs; one output → a Tensor, several → an array (named inputs → named outputs). */
  predict(inputs: ModelInputs): wg.Tensor | wg.Tensor[] | Record<string, wg.Tensor> {
    const outs = this.run(inputs, this.outputs.map((o) => o.tensor));
    if (outs.length === 1) return outs[0];
    if (inputs instanceof wg.Tensor || Array.isArray(inputs)) return outs;
    return Object.fromEntries(this.outputs.map((o, i) => [o.name, outs[i]]));
  }

  /** Any nodes' outputs by name ('node' or 'node:1'; default: the model's outputs); one name → a Tensor. */
  execute(inputs: ModelInputs, outputs?: string | string[]): wg.Tensor | wg.Tensor[] {
    const names = outputs === undefined ? this.outputs.map((o) => o.tensor) : [outputs].flat();
    const outs = this.run(inputs, names.map((n) => this.tensorName(n)));
    return typeof outputs === 'string' || (outputs === undefined && outs.length === 1) ? outs[0] : outs;
  }

  /**
   * execute for models with data-dependent shapes (non-max suppression, Where, ListDiff, Unique on values computed
   * at run time): the model is cut before each such node into stages, each a compiled plan; between stages those
   * nodes read their inputs back and run on the host (split.ts). A model without them runs as execute does.
   */
  async executeAsync(inputs: ModelInputs, outputs?: string | string[]): Promise<wg.Tensor | wg.Tensor[]> {
    this.alive();
    const names = outputs === undefined ? this.outputs.map((o) => o.tensor) : [outputs].flat().map((n) => this.tensorName(n));
    const key = names.join('|');
    if (!this.splits.has(key)) this.splits.set(key, planSplit(this.converter, this.inputs.map((i) => i.tensor), names, (op) => DYNAMIC_OPS.has(op)));
    const plan = this.splits.get(key);
    const outs = plan ? await this.runStages(plan, key, this.ordered(inputs), names) : this.run(inputs, names);
    return typeof outputs === 'string' || (outputs === undefined && outs.length === 1) ? outs[0] : outs;
  }

  /**
   * The model as a wg.Graph: a placeholder per input (unknown sizes stay unknown), an output per model output,
   * the weights captured. For a Session, saving to wgflow JSON, and the playground's graph view.
   */
  get graph(): wg.Graph {
    this.alive();
    if (!this.built) {
      const g = new wg.Graph();
      g.build(() => {
        const feeds = new Map<string, wg.Tensor>();
        for (const i of this.inputs) {
          if (!i.shape || !i.dtype) throw new ModelFormatError(`input "${i.name}" has no known rank or dtype; wgflow cannot make its placeholder`);
          feeds.set(i.tensor, g.placeholder(i.dtype, i.shape.map((d) => (d < 0 ? null : d)), i.name));
        }
        const outs = this.converter.run(feeds, this.outputs.map((o) => o.tensor));
        this.outputs.forEach((o, k) => g.output(o.name, outs[k]));
      });
      this.built = g;
    }
    return this.built;
  }

  /** Frees the weights, the compiled plans and the graph. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const f of this.functions.values()) f.dispose();
    this.functions.clear();
    for (const { f } of this.stageFunctions.values()) f.dispose();
    this.stageFunctions.clear();
    this.stageKnown.clear();
    this.built?.dispose();
    this.converter.dispose();
  }

  private alive(): void {
    if (this.disposed) throw new ModelFormatError('the model was disposed');
  }

  /** 'node' → 'node:0'; an error naming the node when the graph has none of that name. */
  private tensorName(name: string): string {
    const [node, k = '0'] = name.split(':');
    if (!this.model.nodeByName.has(node)) throw new ModelFormatError(`execute: the model has no node "${node}"`);
    return `${node}:${k}`;
  }

  /** The inputs in the model's input order, checked against the signature's dtypes and known sizes. */
  private ordered(inputs: ModelInputs): wg.Tensor[] {
    const list = inputs instanceof wg.Tensor ? [inputs] : Array.isArray(inputs) ? inputs : undefined;
    const named = list ? undefined : (inputs as Record<string, wg.Tensor>);
    if (named) {
      for (const k of Object.keys(named)) {
        if (!this.inputs.some((i) => i.name === k || i.tensor === k || i.tensor === `${k}:0`)) {
          throw new wg.ShapeError(`predict: the model has no input "${k}"; its inputs are ${this.inputs.map((i) => `"${i.name}"`).join(', ')}`, { op: 'predict' });
        }
      }
    }
    if (list && list.length !== this.inputs.length) {
      throw new wg.ShapeError(`predict: the model takes ${this.inputs.length} input${this.inputs.length === 1 ? '' : 's'} (${this.inputs.map((i) => i.name).join(', ')}), got ${list.length}`, { op: 'predict' });
    }
    return this.inputs.map((spec, k) => {
      const t = list ? list[k] : (named![spec.name] ?? named![spec.tensor] ?? named![spec.tensor.replace(/:0$/, '')]);
      if (!(t instanceof wg.Tensor)) throw new wg.ShapeError(`predict: input "${spec.name}" must be a wg.Tensor, got ${t === undefined ? 'nothing' : typeof t}`, { op: 'predict' });
      const fmt = (s: readonly number[]) => `[${s.join(',')}]`;
      if (spec.dtype && t.dtype !== spec.dtype) {
        throw new wg.DTypeError(`predict: input "${spec.name}" must be ${spec.dtype}, got ${t.dtype} ${fmt(t.shape)}`, { op: 'predict', dtypes: [t.dtype] });
      }
      if (spec.shape && (t.rank !== spec.shape.length || spec.shape.some((d, i) => d >= 0 && d !== t.shape[i]))) {
        throw new wg.ShapeError(`predict: input "${spec.name}" must have shape ${fmt(spec.shape.map((d) => (d < 0 ? -1 : d)))} (-1: any size), got ${fmt(t.shape)}`, { op: 'predict', shapes: [[...t.shape]] });
      }
      return t;
    });
  }

  private run(inputs: ModelInputs, outputs: string[]): wg.Tensor[] {
    this.alive();
    const xs = this.ordered(inputs);
    const key = outputs.join('|');
    let f = this.functions.get(key);
    if (!f) {
      const names = this.inputs.map((i) => i.tensor);
      f = wg.function((...ts: wg.Tensor[]) => this.converter.run(new Map(names.map((n, k) => [n, ts[k]])), outputs));
      this.functions.set(key, f);
    }
    return f(...xs) as wg.Tensor[];
  }

  /**
   * Runs executeAsync's stages. Stage s is a wg.function of the model inputs, the data-dependent results made
   * before it, and the tensors it reads from earlier stages; a value an earlier stage knew on the host (folded
   * shape arithmetic) is passed as host data instead, so ops needing host values still fold. Those values depend
   * only on the shapes of the earlier stages' arguments, which stage s also takes, so its traces (one per
   * signature) stay valid. Everything made on the way but not returned is freed, also on an error.
   */
  private async runStages(plan: SplitPlan, key: string, xs: wg.Tensor[], outputs: string[]): Promise<wg.Tensor[]> {
    const inputNames = this.inputs.map((i) => i.tensor);
    const tensors = new Map<string, wg.Tensor>(); // stage outputs and data-dependent results
    const known = new Map<string, HostValue>();
    const owned = new Set<wg.Tensor>();
    const host = async (t: string): Promise<HostValue> => {
      const k = known.get(t);
      if (k) return k;
      const producer = this.model.nodeByName.get(t.split(':')[0])!;
      if (producer.op === 'Const') return this.converter.constKnown(producer);
      const v = tensors.get(t) ?? xs[inputNames.indexOf(t)];
      return { data: await v.data(), shape: [...v.shape], dtype: v.dtype as HostValue['dtype'] };
    };
    try {
      for (const [s, stage] of plan.stages.entries()) {
        if (stage.outputs.length > 0) {
          const dyn = plan.dynamicFeeds.filter((t) => plan.dynamicStage.get(t)! < s);
          const passed = stage.feeds.filter((t) => !known.has(t));
          const names = [...inputNames, ...dyn, ...passed];
          const args = names.map((n, k) => (k < xs.length ? xs[k] : tensors.get(n)!));
          const call: StageCall = {
            names,
            known: new Map(stage.feeds.filter((t) => known.has(t)).map((t) => [t, known.get(t)!])),
            signature: `${s}|${names.join(',')}|${args.map((t) => `${t.dtype}[${t.shape.join(',')}]`).join(';')}`,
          };
          const outs = this.stageFunction(key, s, stage.outputs, call)(...args) as wg.Tensor[];
          const knownOuts = this.stageKnown.get(call.signature);
          stage.outputs.forEach((t, k) => {
            tensors.set(t, outs[k]);
            owned.add(outs[k]);
            if (knownOuts?.[k]) known.set(t, knownOuts[k]!);
          });
        }
        for (const node of stage.dynamic) {
          const values = await Promise.all(node.inputs.filter((i) => !i.control).map((i) => host(`${i.node}:${i.output}`)));
          this.converter.runOnHost(node, values).forEach((t, k) => {
            tensors.set(`${node.name}:${k}`, t);
            owned.add(t);
          });
        }
      }
      const result: wg.Tensor[] = [];
      for (const o of outputs) {
        const t = tensors.get(o);
        if (!t) throw new ModelFormatError(`executeAsync: the output "${o}" was not computed`);
        result.push(owned.delete(t) ? t : wg.clone(t));
      }
      return result;
    } finally {
      for (const t of owned) t.dispose();
    }
  }

  /** Stage s's wg.function for an output set; `call` tells a trace what the current call passes. */
  private stageFunction(key: string, s: number, outputs: string[], call: StageCall): ReturnType<typeof wg.function> {
    const id = `${key}#${s}`;
    let entry = this.stageFunctions.get(id);
    if (!entry) {
      const e: { f: ReturnType<typeof wg.function>; call?: StageCall } = {
        f: wg.function((...ts: wg.Tensor[]) => {
          const c = e.call!;
          return this.converter.run(new Map(c.names.map((n, k) => [n, ts[k]])), outputs, {
            known: c.known,
            onKnown: (ks) => this.stageKnown.set(c.signature, ks),
          });
        }),
      };
      this.stageFunctions.set(id, (entry = e));
    }
    entry.call = call;
    return entry.f;
  }
}

/** What a stage function's trace reads of the call being made: its arguments' names, and known feeds. */
interface StageCall {
  names: string[];
  known: Map<string, HostValue>;
  signature: string;
}

/** A Const node's value: its inline tensor, or the weight of its name (int64 and float64 narrowed already). */
function constValue(node: import('./model_json').GraphNode, weights: WeightMap): HostValue {
  const w = weights.get(node.name);
  if (w) return w;
  const v = node.attrs.tensor('value');
  if (!v.inline && v.shape.reduce((a, b) => a * b, 1) > 0) throw new ModelFormatError(`Const node "${node.name}": its value is neither in the graph nor among the weights`);
  const dtype = numericDType(v.dtype, { name: node.name, op: node.op } as never);
  return { data: v.data as ArrayLike<number>, shape: v.shape, dtype };
}
