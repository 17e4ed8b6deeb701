// Common-subexpression pass: two launches of the same kernel over the same inputs and params compute the
// same value; the second is dropped and its readers use the first's result.
import { kernelToString, type Launch, type View } from '../../ir/kernel';
import type { Slot } from '../recorder';
import type { PassContext, PassReport } from './index';

/** A read of a slot; `version` counts the writes into the slot so far (assign, concat parts). */
const viewKey = (v: View<Slot>, version: number) => `${v.handle.id}v${version}@${v.offset}:${v.shape.join(',')}/${v.strides.join(',')}`;

export function cseLaunches(ctx: PassContext): PassReport {
  const seen = new Map<string, Slot>();
  const alias = new Map<Slot, Slot>();
  const kernelKeys = new WeakMap<object, string>();
  const versions = new Map<Slot, number>();
  const keyOf = (l: Launch<Slot>) => {
    let k = kernelKeys.get(l.kernel);
    if (!k) kernelKeys.set(l.kernel, (k = kernelToString(l.kernel)));
    return `${l.device}${l.transfer ? `<${l.transfer.from}` : ''}|${k}|${l.inputs.map((v) => viewKey(v, versions.get(v.handle) ?? 0)).join(';')}|${l.params.join(',')}|${l.outShape.join(',')}|${JSON.stringify(l.axes ?? null)}|${JSON.stringify(l.matmul ?? null)}|${JSON.stringify(l.conv ?? null)}`;
  };
  const out: Launch<Slot>[] = [];
  let removed = 0;
  for (const l0 of ctx.launches) {
    const l = alias.size ? { ...l0, inputs: l0.inputs.map((v) => (alias.has(v.handle) ? { ...v, handle: alias.get(v.handle)! } : v)) } : l0;
    // Launches writing into existing buffers (assign, concat parts) are effects: never merged.
    if (l.outView || l.out.kind !== 'temp' || ctx.keep.has(l.out)) {
      out.push(l);
      versions.set(l.out, (versions.get(l.out) ?? 0) + 1);
      continue;
    }
    const key = keyOf(l);
    const first = seen.get(key);
    if (first) {
      alias.set(l.out, first);
      removed++;
      continue;
    }
    seen.set(key, l.out);
    out.push(l);
  }
  ctx.launches = out;
  return { pass: 'commonSubexpression', removed, detail: `${removed} duplicate launches merged` };
}
