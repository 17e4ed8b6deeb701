// Devices in the eager trace: where each op ran (from its kernels; a CPU op that waited for a copy from the GPU
// reports its kernel after the trace moved on, so such kernels are matched to ops by op name and shape), `to`
// ops drawn as transfers, and the copies an op made of inputs on another device as transfer nodes before it.
import type * as WG from '../../../../engine/index';
import { directionText, kindOfKernels, type GEdge, type GNode } from './model';
import { movedBytes } from '../format';
import { bytesOf, direction, retime, spliceEdge, transferSubtitle } from './plan_devices';

const sameShape = (a: readonly number[] | undefined, b: readonly number[] | undefined) => !!a && !!b && a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * `ops` are the trace's nodes (ops[i] is record.trace[i]); `all` every node drawn (external inputs first),
 * into which transfer nodes are inserted before the op that needed them; `edges` are rewired through them.
 */
export function addTraceTransfers(record: WG.RunRecord, ops: GNode[], all: GNode[], edges: GEdge[]): void {
  const kernels = record.profile.kernels;
  const linked = new Set(record.trace.flatMap((t) => t.kernels));
  const unlinked = kernels.map((_, i) => i).filter((i) => !linked.has(i));
  const cpuPool = unlinked.filter((i) => kernels[i]!.device === 'cpu' && kernels[i]!.kind !== 'transfer');
  const copyPool = unlinked.filter((i) => kernels[i]!.kind === 'transfer' && direction(kernels[i]!.name));
  const take = (pool: number[], ok: (k: WG.ProfileKernel) => boolean) => {
    const at = pool.findIndex((i) => ok(kernels[i]!));
    return at < 0 ? undefined : pool.splice(at, 1)[0];
  };
  const byId = new Map(all.map((n) => [n.id, n]));
  const deviceOf = (id: string) => byId.get(id)?.device ?? byId.get(id)?.transfer?.to;
  const isCopy = (i: number) => kernels[i]!.kind === 'transfer' && !!direction(kernels[i]!.name);

  ops.forEach((n, i) => {
    const t = record.trace[i]!;
    const compute = n.kernels.filter((k) => kernels[k]!.kind !== 'transfer');
    if (compute.length) n.device = kernels[compute[0]!]!.device;
    else if (n.op !== 'to' && n.kernels.length === 0 && t.outputs.length) {
      const k = take(cpuPool, (pk) => (pk.sources[0]?.op ?? pk.name) === t.op && sameShape(pk.shape, t.outputs[0]!.shape));
      if (k !== undefined) {
        n.kernels.push(k);
        n.device = 'cpu';
        n.kernelKind = kindOfKernels(record, n.kernels);
        retime(record, n);
      }
    }

    if (n.op === 'to') {
      const copy = n.kernels.find(isCopy);
      const dir = copy !== undefined ? direction(kernels[copy]!.name) : undefined;
      n.transfer = {
        from: dir?.from ?? (n.inputs[0] ? deviceOf(n.inputs[0]) : undefined),
        to: dir?.to ?? n.device,
        bytes: copy !== undefined ? movedBytes(kernels[copy]!) : bytesOf(n.outputs[0]),
      };
      n.device = undefined;
      n.title = n.transfer.from || n.transfer.to ? directionText(n.transfer) : n.op;
      n.subtitle = transferSubtitle(true, n.transfer.bytes, n.line);
      retime(record, n);
      return;
    }

    // The copies it made: those its kernels name, then one per input on another device the profile shows.
    const d = n.device;
    const copies: { k: number; from?: string }[] = [];
    const taken = new Set<string>();
    const inputs = [...new Set(n.inputs)];
    for (const k of n.kernels.filter(isCopy)) {
      const dir = direction(kernels[k]!.name)!;
      const from = inputs.find((x) => !taken.has(x) && deviceOf(x) === dir.from) ?? inputs.find((x) => !taken.has(x) && !!d && deviceOf(x) !== d && !!deviceOf(x));
      if (from) taken.add(from);
      copies.push({ k, from });
    }
    if (d) {
      for (const x of inputs) {
        const p = deviceOf(x);
        if (taken.has(x) || !p || p === d) continue;
        const k = take(copyPool, (pk) => pk.name === `${p}→${d}` && (bytesOf(byId.get(x)?.outputs[0]) ?? movedBytes(pk)) === movedBytes(pk));
        if (k === undefined) continue;
        taken.add(x);
        copies.push({ k, from: x });
      }
    }
    if (!copies.length) return;
    n.kernels = n.kernels.filter((k) => !isCopy(k));
    n.kernelKind = kindOfKernels(record, n.kernels);
    retime(record, n);
    copies.forEach(({ k, from }, j) => {
      const pk = kernels[k]!;
      const dir = direction(pk.name)!;
      const src = from ? byId.get(from) : undefined;
      const info = src?.outputs[0] ?? { shape: pk.shape, dtype: pk.dtype };
      const c: GNode = {
        id: `${n.id}c${j}`,
        name: `${src?.name ?? '?'} → ${n.name}`,
        op: 'transfer',
        kind: 'transfer',
        title: directionText(dir),
        subtitle: transferSubtitle(false, movedBytes(pk), n.line),
        inputs: from ? [from] : [],
        inputInfo: from ? [info] : [],
        outputs: [info],
        transfer: { ...dir, bytes: movedBytes(pk) },
        file: n.file,
        line: n.line,
        column: n.column,
        sideEffect: false,
        kernels: [k],
        kernelKind: 'transfer',
        planKernels: [],
        order: 0,
      };
      retime(record, c);
      byId.set(c.id, c);
      all.splice(all.indexOf(n), 0, c);
      if (from) spliceEdge(edges, from, n.id, c, info);
      else edges.push({ id: `e${c.id}`, from: c.id, to: n.id, info, quiet: true });
    });
  });
  for (const e of edges) if (byId.get(e.from)?.kind === 'transfer') e.quiet = true;
}
