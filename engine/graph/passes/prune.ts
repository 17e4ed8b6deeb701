// Prune pass: drops launches whose results nothing reads (no later launch, fetch or print), keeping every
// launch that writes into a variable or another existing buffer (side effects).
import type { PassContext, PassReport } from './index';
import type { Slot } from '../recorder';

export function prunePass(ctx: PassContext): PassReport {
  const live = new Set<Slot>(ctx.keep);
  const kept = [];
  let removed = 0;
  for (let i = ctx.launches.length - 1; i >= 0; i--) {
    const l = ctx.launches[i];
    const effect = l.outView !== undefined || l.out.kind === 'variable' || l.out.kind === 'external';
    if (!effect && !live.has(l.out)) {
      removed++;
      continue;
    }
    l.inputs.forEach((v) => live.add(v.handle));
    kept.push(l);
  }
  ctx.launches = kept.reverse();
  return { pass: 'prune', removed, detail: `${removed} launches nothing reads` };
}
