// Comparing wgflow's float32 results with another engine's: per element, within rtol of the value plus atol of
// the result's largest magnitude (sums of nearly cancelling terms get the absolute part).

/** The elements where `got` is not within the tolerance of `want` (empty when they agree). */
export function mismatches(got: Float32Array, want: Float32Array, rtol: number, atol: number): string[] {
  if (got.length !== want.length) return [`length ${got.length} vs ${want.length}`];
  let scale = 0;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  const bad: string[] = [];
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= rtol * Math.abs(want[i]) + atol * scale)) bad.push(`[${i}] ${got[i]} vs ${want[i]}`);
  }
  return bad;
}
