// The memory budget of a run (issue 26): the frame sets wg.config.setMemoryLimit to it before the snippet
// runs, so a snippet that keeps allocating gets a ResourceExhaustedError naming the budget and the live tensors
// instead of exhausting the GPU process. The default is the frame's (frame.js defaultBudget: the largest
// buffer the device grants, at most a quarter of the machine's memory); the Memory panel sets another,
// kept in localStorage. A snippet may still call wg.config.setMemoryLimit itself.

const KEY = 'wgflow.playground.memoryBudgetMiB';
/** The range the Memory panel accepts, in MiB. */
export const MIN_BUDGET_MIB = 16;
export const MAX_BUDGET_MIB = 64 * 1024;

/** The budget set in the Memory panel, in MiB, or undefined for the default. */
export function storedBudgetMiB(): number | undefined {
  let v: string | null = null;
  try {
    v = localStorage.getItem(KEY);
  } catch {
    return undefined;
  }
  const n = v === null ? NaN : Number(v);
  return Number.isFinite(n) && n >= MIN_BUDGET_MIB && n <= MAX_BUDGET_MIB ? n : undefined;
}

/** Sets the budget (MiB), or back to the default (undefined). */
export function storeBudgetMiB(mib: number | undefined): void {
  try {
    if (mib === undefined) localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, String(Math.min(MAX_BUDGET_MIB, Math.max(MIN_BUDGET_MIB, Math.round(mib)))));
  } catch {
    /* storage may be unavailable: the default applies */
  }
}

/** The budget to send with a run, in bytes (undefined: the frame's default). */
export function budgetBytes(): number | undefined {
  const mib = storedBudgetMiB();
  return mib === undefined ? undefined : mib * 2 ** 20;
}
