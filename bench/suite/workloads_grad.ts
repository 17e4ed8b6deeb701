// The mlp-grad workloads (issue 20): an MLP's softmax cross-entropy loss and its six parameter gradients, with
// the forward and backward written by hand in float64 as the reference.
import type { HostTensor, Problem } from './types';
import { MLP_WIDTHS, compare, host, softmaxReference, uniform } from './problem_util';

// ---- MLP loss and gradients (issue 20) ------------------------------------------------------------------------

/** Layer widths of mlp-grad (the MLP's) and of mlp-grad-small. */
export const MLP_GRAD_WIDTHS = { 'mlp-grad': MLP_WIDTHS, 'mlp-grad-small': [64, 64, 64, 10] } as const;
/** The outputs of the mlp-grad workloads, in the order a library's run() joins them: the loss, then dL/d each parameter. */
export const MLP_GRAD_OUTPUTS = ['loss', 'w1', 'b1', 'w2', 'b2', 'w3', 'b3'] as const;
/** The parameters the gradients are taken with respect to (inputs of the same names). */
export const MLP_GRAD_PARAMS = ['w1', 'b1', 'w2', 'b2', 'w3', 'b3'] as const;

/** Several outputs read back, joined end to end into one array (as a problem with several outputs checks them). */
export function joinOutputs(parts: ArrayLike<number>[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** a[rows×inner] · b[inner×cols] in float64 (b given transposed when bT: b is [cols×inner]). */
export function matmul64(a: ArrayLike<number>, b: ArrayLike<number>, rows: number, inner: number, cols: number, bT = false): Float64Array {
  const out = new Float64Array(rows * cols);
  if (bT) {
    // Dot products of a's rows with b's rows (the branch hoisted out of the loops: train-mlp runs this 100 times).
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        let s = 0;
        for (let k = 0; k < inner; k++) s += a[r * inner + k] * b[c * inner + k];
        out[r * cols + c] = s;
      }
    }
    return out;
  }
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < inner; k++) {
      const v = a[r * inner + k];
      if (v === 0) continue;
      for (let c = 0; c < cols; c++) out[r * cols + c] += v * b[k * cols + c];
    }
  }
  return out;
}

/** aᵀ · b for a [rows×m], b [rows×n] in float64: [m×n] (a weight gradient: activationsᵀ · upstream gradient). */
export function matmulTA64(a: ArrayLike<number>, b: ArrayLike<number>, rows: number, m: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < m; i++) {
      const v = a[r * m + i];
      if (v === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += v * b[r * n + j];
    }
  }
  return out;
}

/** Column sums of [rows×cols] (a bias gradient). */
export function colSums(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c] += a[r * cols + c];
  return out;
}

/**
 * The MLP's loss and parameter gradients by hand, in float64: forward z1 = x·W1 + b1, h1 = relu(z1),
 * z2 = h1·W2 + b2, h2 = relu(z2), z = h2·W3 + b3, loss = −mean over rows of Σ y·logSoftmax(z); backward
 * dz = (softmax(z)·Σy − y)/B, dW3 = h2ᵀ·dz, db3 = Σ_rows dz, dh2 = dz·W3ᵀ, dz2 = dh2·[z2 > 0], and so on down.
 * The check's scales: the same backward on magnitudes, each gradient's Σ|terms| over the whole chain, the scale its
 * float32 rounding follows. The activations enter as their forward Σ|terms| (F1 = |x|·|W1| + |b1|, masked by relu,
 * and so on: what their own rounding follows, not |h|, which cancellation can make far smaller), the logits'
 * gradient as (p·(1 + 2·max F3 of its row) + |y|)/B (p moves by p·2·max|δz| when the logits move by δz).
 */
function mlpGradReference(inputs: Record<string, HostTensor>, widths: readonly number[], batch: number) {
  const d = (k: string) => inputs[k].data;
  const [n0, n1, n2, n3] = widths;
  const relu = (z: Float64Array) => z.map((v) => Math.max(v, 0));
  const z1 = matmul64(d('x'), d('w1'), batch, n0, n1).map((v, i) => v + d('b1')[i % n1]);
  const h1 = relu(z1);
  const z2 = matmul64(h1, d('w2'), batch, n1, n2).map((v, i) => v + d('b2')[i % n2]);
  const h2 = relu(z2);
  const z = matmul64(h2, d('w3'), batch, n2, n3).map((v, i) => v + d('b3')[i % n3]);
  // Forward Σ|terms| of every activation (relu's mask applied: a zeroed unit carries no rounding).
  const abs = (a: ArrayLike<number>) => Float64Array.from(a, Math.abs);
  const f1 = matmul64(abs(d('x')), abs(d('w1')), batch, n0, n1).map((v, i) => (z1[i] > 0 ? v + Math.abs(d('b1')[i % n1]) : 0));
  const f2 = matmul64(f1, abs(d('w2')), batch, n1, n2).map((v, i) => (z2[i] > 0 ? v + Math.abs(d('b2')[i % n2]) : 0));
  const f3 = matmul64(f2, abs(d('w3')), batch, n2, n3).map((v, i) => v + Math.abs(d('b3')[i % n3]));
  const y = d('labels');
  const p = softmaxReference(z, batch, n3);
  let loss = 0;
  let lossScale = 0;
  const dz = new Float64Array(batch * n3);
  const adz = new Float64Array(batch * n3);
  for (let r = 0; r < batch; r++) {
    let max = -Infinity;
    for (let c = 0; c < n3; c++) max = Math.max(max, z[r * n3 + c]);
    let s = 0;
    for (let c = 0; c < n3; c++) s += Math.exp(z[r * n3 + c] - max);
    const lse = max + Math.log(s);
    let ySum = 0;
    let f3Max = 0;
    for (let c = 0; c < n3; c++) {
      ySum += y[r * n3 + c];
      f3Max = Math.max(f3Max, f3[r * n3 + c]);
    }
    for (let c = 0; c < n3; c++) {
      const at = r * n3 + c;
      const term = (y[at] * (z[at] - lse)) / batch;
      loss -= term;
      // The logits' own rounding (δz ≤ F3, δlse ≤ max F3 of the row, in float32 steps) reaches the loss too.
      lossScale += Math.abs(term) + (Math.abs(y[at]) * (Math.abs(z[at]) + Math.abs(lse) + f3[at] + f3Max)) / batch;
      dz[at] = (p[at] * ySum - y[at]) / batch;
      adz[at] = (p[at] * Math.abs(ySum) * (1 + 2 * f3Max) + Math.abs(y[at])) / batch;
    }
  }
  const backward = (g3: Float64Array, useAbs: boolean) => {
    const [a1, a2, w2, w3] = useAbs ? [f1, f2, abs(d('w2')), abs(d('w3'))] : [h1, h2, d('w2'), d('w3')];
    const x = useAbs ? abs(d('x')) : d('x');
    const dh2 = matmul64(g3, w3, batch, n3, n2, true);
    const g2 = dh2.map((v, i) => (z2[i] > 0 ? v : 0));
    const dh1 = matmul64(g2, w2, batch, n2, n1, true);
    const g1 = dh1.map((v, i) => (z1[i] > 0 ? v : 0));
    return {
      w1: matmulTA64(x, g1, batch, n0, n1), b1: colSums(g1, batch, n1),
      w2: matmulTA64(a1, g2, batch, n1, n2), b2: colSums(g2, batch, n2),
      w3: matmulTA64(a2, g3, batch, n2, n3), b3: colSums(g3, batch, n3),
    };
  };
  return { loss, lossScale, grads: backward(dz, false), scales: backward(adz, true) };
}

/** The smallest |z| / Σ|terms| over the MLP's hidden pre-activations (how close a unit comes to relu's kink). */
function kinkMargin(inputs: Record<string, HostTensor>, widths: readonly number[], batch: number): number {
  const abs = (a: ArrayLike<number>) => Float64Array.from(a, Math.abs);
  let h: ArrayLike<number> = inputs.x.data;
  let margin = Infinity;
  for (let l = 0; l < 2; l++) {
    const [fin, fout] = [widths[l], widths[l + 1]];
    const [w, b] = [inputs[`w${l + 1}`].data, inputs[`b${l + 1}`].data];
    const z = matmul64(h, w, batch, fin, fout);
    const f = matmul64(abs(h), abs(w), batch, fin, fout);
    for (let i = 0; i < z.length; i++) {
      z[i] += b[i % fout];
      margin = Math.min(margin, Math.abs(z[i]) / (f[i] + Math.abs(b[i % fout])));
    }
    h = z.map((v) => Math.max(v, 0));
  }
  return margin;
}

/**
 * mlp-grad (784→256→256→10) and mlp-grad-small (64→64→64→10): the softmax cross-entropy loss of a batch with
 * one-hot labels (mean over the batch) and its gradients with respect to all six parameters, one output array:
 * MLP_GRAD_OUTPUTS joined in order. Each part is checked within atol + rtol·Σ|terms| (scales from
 * mlpGradReference) with rtol 1e-5 (atol 1e-12, for the exact zeros of units relu turned off for the whole batch).
 * Measured on SwiftShader: every library passes at rtol 1e-7 (float32 lands within ~2 ulps of these scales), so
 * 1e-5 leaves 100× for other adapters' summation orders; a part scaled by 1 + 1e-2 fails (by 1 + 1e-3 for the
 * loss, db2 and db3).
 */
export function mlpGradProblem(batch: number, workload: keyof typeof MLP_GRAD_WIDTHS): Problem {
  const widths = MLP_GRAD_WIDTHS[workload];
  const seed = workload === 'mlp-grad' ? 111 : 131;
  const inputs: Record<string, HostTensor> = {};
  for (let l = 0; l < 3; l++) {
    const [fin, fout] = [widths[l], widths[l + 1]];
    const s = Math.sqrt(6 / (fin + fout));
    inputs[`w${l + 1}`] = host(uniform(fin * fout, -s, s, seed + 1 + 2 * l), [fin, fout]);
    inputs[`b${l + 1}`] = host(uniform(fout, -0.1, 0.1, seed + 2 + 2 * l), [fout]);
  }
  // A batch with no hidden pre-activation within 3e-6 of its Σ|terms| of relu's kink (~50 float32 steps; the
  // libraries land within ~2): nearer, rounding could switch a unit's mask, which the check would call wrong.
  // The first seed that qualifies (mlp-grad: the fifth, 1–2 s of set-up here; mlp-grad-small: the first).
  for (let k = 0; ; k++) {
    inputs.x = host(uniform(batch * widths[0], 0, 1, seed + 1000 * k), [batch, widths[0]]);
    if (kinkMargin(inputs, widths, batch) > 3e-6) break;
  }
  const classes = widths[3];
  const labels = new Float32Array(batch * classes);
  uniform(batch, 0, classes, seed + 9).forEach((v, r) => (labels[r * classes + Math.floor(v)] = 1));
  inputs.labels = host(labels, [batch, classes]);
  const ref = mlpGradReference(inputs, widths, batch);
  const parts = MLP_GRAD_OUTPUTS.map((name) =>
    name === 'loss'
      ? { name, expected: Float64Array.of(ref.loss), scale: Float64Array.of(ref.lossScale) }
      : { name, expected: ref.grads[name], scale: ref.scales[name] },
  );
  const total = parts.reduce((n, p) => n + p.expected.length, 0);
  const [n0, n1, n2, n3] = widths;
  const fwd = n0 * n1 + n1 * n2 + n2 * n3;
  return {
    workload, size: batch, unit: 'ms',
    label: `MLP loss+grads ${batch}×${widths.join('→')}`,
    inputs, scalars: {},
    // Matmul flops: the forward's three, the three weight gradients, and dh2, dh1 (no gradient for x).
    flops: 2 * batch * (2 * fwd + n1 * n2 + n2 * n3),
    check(out) {
      if (out.length !== total) return { ok: false, maxAbsErr: NaN, detail: `length ${out.length}, expected ${total} (loss and six gradients)` };
      let at = 0;
      let maxAbsErr = 0;
      let detail: string | undefined;
      for (const p of parts) {
        const n = p.expected.length;
        const r = compare(Array.prototype.slice.call(out, at, at + n), n, p.expected, { atol: 1e-12, rtol: 1e-5 }, undefined, p.scale);
        maxAbsErr = Math.max(maxAbsErr, r.maxAbsErr);
        if (!r.ok && detail === undefined) detail = `${p.name === 'loss' ? 'loss' : `d${p.name}`}, ${r.detail}`;
        at += n;
      }
      return { ok: detail === undefined, maxAbsErr, ...(detail ? { detail } : {}) };
    },
  };
}
