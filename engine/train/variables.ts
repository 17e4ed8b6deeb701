// Saving and restoring eager variables (a model's weights, an optimizer's slots), so that training can stop and
// resume: the same record a Session's saveVariables gives for graph variables, { name: { dtype, shape, data } }.
import { DTYPE_INFO, type DType } from '../core/dtype';
import { ShapeError, WgError } from '../core/errors';
import { Tensor } from '../core/tensor';
import { OPS as o } from '../api/registry';

export class VariableIOError extends WgError {}

export type SavedVariables = Record<string, { dtype: DType; shape: number[]; data: number[] }>;

function named(vars: Tensor[] | Record<string, Tensor>, what: string): [string, Tensor][] {
  const list: [string, Tensor][] = Array.isArray(vars)
    ? vars.map((v, i) => [v instanceof Tensor ? (v.variableName ?? `Variable_${v.id}`) : `#${i}`, v])
    : Object.entries(vars ?? {});
  const seen = new Set<string>();
  for (const [name, v] of list) {
    if (!(v instanceof Tensor) || !v.variable) throw new VariableIOError(`${what}: ${name} is not a variable (make it with wg.variable)`);
    if (seen.has(name)) throw new VariableIOError(`${what}: two variables are named ${JSON.stringify(name)}; give them distinct names`);
    seen.add(name);
  }
  return list;
}

const loadHooks = new WeakMap<Tensor, (values: number[]) => void>();

/** Calls `hook` with the values loaded into `v` by loadVariables (an optimizer's step count follows its variable). */
export function onVariableLoad(v: Tensor, hook: (values: number[]) => void): void {
  loadHooks.set(v, hook);
}

/** The variables' values by name (their variableName, or the record's keys), read back. */
export async function saveVariables(vars: Tensor[] | Record<string, Tensor>): Promise<SavedVariables> {
  const out: SavedVariables = {};
  for (const [name, v] of named(vars, 'saveVariables')) out[name] = { dtype: v.dtype, shape: [...v.shape], data: Array.from(await v.data()) };
  return out;
}

/** Sets each variable from `saved` by name (shapes and dtypes must match); every one must be there. */
export function loadVariables(saved: SavedVariables, vars: Tensor[] | Record<string, Tensor>): void {
  const list = named(vars, 'loadVariables');
  for (const [name, v] of list) {
    const s = saved?.[name];
    if (!s) throw new VariableIOError(`loadVariables: the saved record has no ${JSON.stringify(name)}`);
    if (s.dtype !== v.dtype || s.shape.length !== v.rank || s.shape.some((d, i) => d !== v.shape[i]) || s.data.length !== v.size) {
      throw new ShapeError(`loadVariables: ${name} is ${v.dtype} [${v.shape}], the record has ${s.dtype} [${s.shape}] with ${s.data?.length} values`);
    }
  }
  for (const [name, v] of list) {
    const s = saved[name];
    const round = DTYPE_INFO[s.dtype].round;
    const t = o.tensor(s.data.map((x) => round(Number(x))), [...s.shape], s.dtype);
    try {
      v.assign(t);
      loadHooks.get(v)?.(s.data);
    } finally {
      t.dispose();
    }
  }
}
