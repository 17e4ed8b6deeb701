// The CPU backend's convolution (both variants): per output pixel, the window's taps are resolved once (inside
// the input or not, input dilation included), then every output channel sums its products in (kh, kw, ci) order
// in a float64 accumulator, rounded once to float32 — the same order as the WebGPU kernel's k loop. An epilogue
// (bias, activation) is applied per output value with its extras read at the output position.
import { broadcastStrides } from '../../core/shape';
import type { ConvGeometry, ConvKernel, Launch } from '../../ir/kernel';
import type { CpuStorage } from './cpu_backend';
import { viewOf } from './jit';
import type { Prologue } from './kernels';

export function cpuConv(k: ConvKernel, launch: Launch<CpuStorage>, epilogue?: Prologue): void {
  const g: ConvGeometry = launch.conv!;
  const x = viewOf('float32', launch.inputs[0].handle);
  const f = viewOf('float32', launch.inputs[1].handle);
  const outDtype = k.epilogue?.dtype ?? 'float32';
  const out = viewOf(outDtype, launch.out);
  const { N, H, W, C, OH, OW, OC, kH, kW } = g;
  const [xsN, xsH, xsW, xsC] = g.xStrides;
  const [fsH, fsW, fsC, fsO] = g.fStrides;
  const os = g.channelsFirst ? [OC * OH * OW, OW, 1, OH * OW] : [OH * OW * OC, OW * OC, OC, 1];
  // Extras (epilogue inputs 1…) at output positions, their strides permuted to (n, oh, ow, oc).
  const perm = g.channelsFirst ? [0, 2, 3, 1] : [0, 1, 2, 3];
  const extras = launch.inputs.slice(2).map((v, i) => {
    const s = broadcastStrides(v.shape, v.strides, launch.outShape);
    return { data: viewOf(k.extras![i], v.handle), offset: v.offset, s: perm.map((d) => s[d]) };
  });
  const vals = new Float64Array(1 + extras.length);
  const taps = new Int32Array(kH * kW); // input address of each tap (−1: outside the input)
  const acc = new Float64Array(OC);
  const dw = k.variant === 'depthwise';
  const [sH, sW] = g.strides;
  const [dH, dW] = g.dilations;
  const [iH, iW] = g.inDilations;
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let kh = 0; kh < kH; kh++) {
          for (let kw = 0; kw < kW; kw++) {
            let vh = oh * sH + kh * dH - g.padBefore[0];
            let vw = ow * sW + kw * dW - g.padBefore[1];
            let ok = vh >= 0 && vw >= 0 && vh % iH === 0 && vw % iW === 0;
            vh /= iH;
            vw /= iW;
            ok = ok && vh < H && vw < W;
            taps[kh * kW + kw] = ok ? g.xOffset + n * xsN + vh * xsH + vw * xsW : -1;
          }
        }
        acc.fill(0);
        for (let t = 0; t < kH * kW; t++) {
          const xa = taps[t];
          if (xa < 0) continue;
          const fb = g.fOffset + Math.floor(t / kW) * fsH + (t % kW) * fsW;
          if (dw) {
            for (let oc = 0; oc < OC; oc++) {
              const c = Math.floor(oc / g.multiplier);
              acc[oc] += x[xa + c * xsC] * f[fb + c * fsC + (oc % g.multiplier) * fsO];
            }
          } else {
            for (let ci = 0; ci < C; ci++) {
              const xv = x[xa + ci * xsC];
              const fr = fb + ci * fsC;
              for (let oc = 0; oc < OC; oc++) acc[oc] += xv * f[fr + oc * fsO];
            }
          }
        }
        const ob = n * os[0] + oh * os[1] + ow * os[2];
        for (let oc = 0; oc < OC; oc++) {
          const v = Math.fround(acc[oc]);
          if (!epilogue) {
            out[ob + oc * os[3]] = v;
            continue;
          }
          vals[0] = v;
          for (let i = 0; i < extras.length; i++) {
            const e = extras[i];
            vals[i + 1] = e.data[e.offset + n * e.s[0] + oh * e.s[1] + ow * e.s[2] + oc * e.s[3]];
          }
          out[ob + oc * os[3]] = epilogue(vals);
        }
      }
    }
  }
}
