// executeAsync's plan: a model whose data-dependent nodes (non-max suppression, Where, ListDiff, Unique; see
// ops/dynamic.ts) are not known while converting is cut into stages. Each stage is an ordinary compiled plan (a
// wg.function: passes, fusion, one submission); between stages the data-dependent nodes read their inputs back
// and compute on the host, and their results feed the later stages. A node's stage is the number of such nodes on
// its longest path from the inputs.
import type { Converter } from './convert';
import type { GraphNode } from './model_json';

export interface StagePlan {
  /** Tensors ('node:k') computed by earlier stages that this stage's nodes read. */
  feeds: string[];
  /** Tensors this stage computes for later: later stages, the data-dependent nodes, the requested outputs. */
  outputs: string[];
  /** The data-dependent nodes run on the host after this stage, in dependency order. */
  dynamic: GraphNode[];
}

export interface SplitPlan {
  stages: StagePlan[];
  /** The data-dependent nodes' outputs that stage nodes read (each stage after theirs takes them as inputs). */
  dynamicFeeds: string[];
  /** The stage after which each dynamic feed exists (it is an input of the stages after that one). */
  dynamicStage: Map<string, number>;
}

const valueInputs = (node: GraphNode) => node.inputs.filter((i) => !i.control);

/**
 * The stages that compute `outputs` from the model inputs `inputs` ('node:k'), or undefined when no data-dependent
 * node needs its inputs' values at run time (one stage: execute's plan). A data-dependent node whose inputs all
 * come from Const nodes folds while converting and splits nothing.
 */
export function planSplit(converter: Converter, inputs: string[], outputs: string[], isDynamic: (op: string) => boolean): SplitPlan | undefined {
  const order = converter.order(outputs, inputs);
  const fed = new Set(inputs.map((t) => t.split(':')[0]));
  const constant = new Set<string>();
  const stageOf = new Map<string, number>();
  const split = new Set<string>();
  for (const node of order) {
    const ins = fed.has(node.name) ? [] : valueInputs(node);
    const isPlaceholder = node.op === 'Placeholder' || node.op === 'PlaceholderWithDefault';
    if (node.op === 'Const' || (!fed.has(node.name) && !isPlaceholder && ins.length > 0 && ins.every((i) => constant.has(i.node)))) constant.add(node.name);
    let s = 0;
    for (const i of ins) s = Math.max(s, stageOf.get(i.node)! + (split.has(i.node) ? 1 : 0));
    stageOf.set(node.name, s);
    if (isDynamic(node.op) && !constant.has(node.name)) split.add(node.name);
  }
  if (split.size === 0) return undefined;

  const count = Math.max(...stageOf.values()) + 1;
  const stages = Array.from({ length: count }, () => ({ feeds: new Set<string>(), outputs: new Set<string>(), dynamic: [] as GraphNode[] }));
  const dynamicFeeds = new Set<string>();
  const dynamicStage = new Map<string, number>();
  // A value produced by a stage node: an output of its stage (read back, or fed to a later stage).
  const fromStage = (t: string, producer: string) => stages[fed.has(producer) || constant.has(producer) ? 0 : stageOf.get(producer)!].outputs.add(t);
  for (const node of order) {
    if (fed.has(node.name) || node.op === 'Const') continue;
    const here = stageOf.get(node.name)!;
    const dynamic = split.has(node.name);
    for (const i of valueInputs(node)) {
      const t = `${i.node}:${i.output}`;
      const producer = converter.model.nodeByName.get(i.node)!;
      if (producer.op === 'Const') continue; // weights: every stage has them, and their host data
      if (split.has(i.node)) {
        if (!dynamic) dynamicFeeds.add(t), dynamicStage.set(t, stageOf.get(i.node)!);
        continue;
      }
      if (dynamic) {
        if (!fed.has(i.node)) fromStage(t, i.node); // model inputs are read back as they are
        continue;
      }
      if (fed.has(i.node)) continue; // every stage takes the model inputs
      const from = stageOf.get(i.node)!;
      if (from < here) {
        fromStage(t, i.node);
        stages[here].feeds.add(t);
      }
    }
    if (dynamic) stages[here].dynamic.push(node);
  }
  for (const o of outputs) {
    const producer = o.split(':')[0];
    if (!split.has(producer)) fromStage(o, producer);
  }
  return {
    stages: stages.map((s) => ({ feeds: [...s.feeds], outputs: [...s.outputs], dynamic: s.dynamic })),
    dynamicFeeds: [...dynamicFeeds],
    dynamicStage,
  };
}
