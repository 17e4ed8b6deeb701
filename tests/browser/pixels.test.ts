// wg.browser.fromPixels / fromPixelsAsync / toPixels on real WebGPU and on the CPU device: a canvas painted
// with the 2D API (one opaque colour per pixel, so no premultiplication rounding) read from every kind of
// source and checked exactly against the bytes this test chose; toPixels round trips; graph mode; memory.
import { beforeAll, describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';

const W = 7;
const H = 5;
/** The colour this test paints at (x, y): distinct per pixel and channel, 0 and 255 included. */
const colour = (x: number, y: number): [number, number, number] => [(x * 37 + y * 11) % 256, (255 - x * 29 - y * 3) & 255, x === 0 ? 0 : y === 0 ? 255 : (x * y * 13) % 256];

function paint(ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D): void {
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      ctx.fillStyle = `rgb(${colour(x, y).join(',')})`;
      ctx.fillRect(x, y, 1, 1);
    }
  }
}

/** [H, W, c] values of the painted canvas, from the colours above (channel 3 is alpha: 255). */
function expected(c: number): number[] {
  const out: number[] = [];
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out.push(...[...colour(x, y), 255].slice(0, c));
  return out;
}

const DEVICES = ['webgpu', 'cpu'] as const;
/** In a page; the Dawn run of these suites (Node) has no DOM: there only PixelData is read (writeTexture). */
const dom = typeof document !== 'undefined';
/** The painted pixels as PixelData (RGBA bytes), built from the colours above. */
const bytes = { data: Uint8Array.from(expected(4)), width: W, height: H };
let canvas: HTMLCanvasElement;
let sources: Record<string, () => wg.PixelSource> = { PixelData: () => bytes };
/** The canvas where there is one, else the same pixels as PixelData. */
const first = (): wg.PixelSource => (dom ? canvas : bytes);

beforeAll(async () => {
  if (!dom) return;
  canvas = Object.assign(document.createElement('canvas'), { width: W, height: H });
  paint(canvas.getContext('2d')!);
  const offscreen = new OffscreenCanvas(W, H);
  paint(offscreen.getContext('2d')!);
  const imageData = canvas.getContext('2d')!.getImageData(0, 0, W, H);
  const bitmap = await createImageBitmap(canvas);
  const img = new Image();
  img.src = canvas.toDataURL('image/png');
  await img.decode();
  sources = {
    HTMLCanvasElement: () => canvas,
    OffscreenCanvas: () => offscreen,
    ImageData: () => imageData,
    ImageBitmap: () => bitmap,
    HTMLImageElement: () => img,
    PixelData: () => bytes,
  };
});

describe('fromPixels', () => {
  for (const device of DEVICES) {
    const check = async () => {
      for (const [kind, src] of Object.entries(sources)) {
        for (const c of [1, 3, 4, undefined]) {
          const t = wg.device(device, () => wg.browser.fromPixels(src(), c));
          const n = c ?? 3;
          expect([...t.shape], `${kind} ${n}`).toEqual([H, W, n]);
          expect(t.dtype).toBe('int32');
          expect(t.device).toBe(device);
          expect(Array.from(await t.data()), `${kind}, ${n} channels on ${device}`).toEqual(expected(n));
          t.dispose();
        }
      }
    };
    test(`every source kind, 1/3/4 channels and the default, exact (${device})`, async () => {
      // On WebGPU no pixel is read on the CPU: the copy goes through a texture.
      if (!dom) return check();
      let cpuReads = 0;
      const protos = [CanvasRenderingContext2D.prototype, OffscreenCanvasRenderingContext2D.prototype];
      const saved = protos.map((pr) => pr.getImageData);
      protos.forEach((pr, i) => (pr.getImageData = function (this: never, ...a: [number, number, number, number]) {
        cpuReads++;
        return saved[i].apply(this, a);
      }));
      try {
        await check();
      } finally {
        protos.forEach((pr, i) => (pr.getImageData = saved[i] as never));
      }
      expect(cpuReads > 0, 'pixels read through a 2D canvas').toBe(device === 'cpu');
    });
  }

  test('several workgroups, and wider than the largest texture (read on the CPU instead), exact', async () => {
    const rgba = (w: number, h: number) => Uint8Array.from({ length: w * h * 4 }, (_, i) => (i % 4 === 3 ? 255 : (i * 7 + (i >> 5)) % 256));
    const maxSide = Number(wg.backendInfo().limits.maxTextureDimension2D ?? 8192);
    for (const [w, h] of [[19, 11], [maxSide + 1, 1]]) {
      const px = { data: rgba(w, h), width: w, height: h };
      for (const c of [3, 4]) {
        const want = Array.from(px.data).filter((_, i) => i % 4 < c);
        const t = wg.browser.fromPixels(px, c);
        expect([...t.shape]).toEqual([h, w, c]);
        expect(Array.from(await t.data()), `${w}×${h}, ${c} channels`).toEqual(want);
        t.dispose();
      }
    }
  });

  test.skipIf(!dom)('a video playing a canvas stream: its frame, on both devices', async () => {
    // captureStream frames go through the media pipeline (YUV), so colours are compared within a tolerance;
    // a canvas of large flat areas keeps them from blurring into each other.
    const big = Object.assign(document.createElement('canvas'), { width: 64, height: 32 });
    const ctx = big.getContext('2d')!;
    ctx.fillStyle = 'rgb(200,40,40)';
    ctx.fillRect(0, 0, 32, 32);
    ctx.fillStyle = 'rgb(30,60,220)';
    ctx.fillRect(32, 0, 32, 32);
    const video = Object.assign(document.createElement('video'), { muted: true, playsInline: true });
    expect(() => wg.browser.fromPixels(video)).toThrow(/fromPixels: the video element has no frame yet \(readyState 0\)/);
    video.srcObject = big.captureStream();
    const loaded = new Promise((resolve) => video.addEventListener('loadeddata', resolve, { once: true }));
    await video.play().catch(() => undefined);
    const ok = await Promise.race([loaded.then(() => true), new Promise((r) => setTimeout(() => r(false), 3000))]);
    if (!ok) return console.warn('pixels.test: the video never loaded; only its readyState error was checked');
    for (const device of DEVICES) {
      const t = wg.device(device, () => wg.browser.fromPixels(video, 4));
      expect([...t.shape]).toEqual([video.videoHeight, video.videoWidth, 4]);
      const v = await t.data();
      const at = (y: number, x: number) => Array.from(v.slice((y * video.videoWidth + x) * 4, (y * video.videoWidth + x) * 4 + 4));
      const near = (got: number[], want: number[]) => got.every((g, i) => Math.abs(g - want[i]) <= 12);
      expect(near(at(16, 10), [200, 40, 40, 255]), `left ${at(16, 10)}`).toBe(true);
      expect(near(at(16, video.videoWidth - 10), [30, 60, 220, 255]), `right ${at(16, video.videoWidth - 10)}`).toBe(true);
      t.dispose();
    }
    (video.srcObject as MediaStream).getTracks().forEach((tr) => tr.stop());
  });

  test('fromPixelsAsync equals fromPixels', async () => {
    for (const [kind, src] of Object.entries(sources)) {
      for (const device of DEVICES) {
        const t = await wg.device(device, () => wg.browser.fromPixelsAsync(src(), 4));
        expect(t.device).toBe(device);
        expect(Array.from(await t.data()), `${kind} on ${device}`).toEqual(expected(4));
        t.dispose();
      }
    }
  });

  test('graph mode: a wg.function over fromPixels, and fromPixels while a graph records', async () => {
    const f = wg.function((x: wg.Tensor) => wg.sum(wg.cast(x, 'float32'), 2));
    const want = (c: number) => {
      const e = expected(c);
      return Array.from({ length: H * W }, (_, i) => e.slice(i * c, i * c + c).reduce((a, b) => a + b, 0));
    };
    for (const device of DEVICES) {
      const x = wg.device(device, () => wg.browser.fromPixels(first()));
      const y = f(x) as wg.Tensor;
      expect(Array.from(await y.data())).toEqual(want(3));
      wg.dispose([x, y]);
    }
    // Inside the function: the pixels are read when it is traced, a constant of the graph (like wg.tensor).
    const g = wg.function(() => wg.mul(wg.browser.fromPixels(first(), 4), 2));
    const z = g() as wg.Tensor;
    expect([...z.shape]).toEqual([H, W, 4]);
    expect(Array.from(await z.data())).toEqual(expected(4).map((v) => v * 2));
    z.dispose();
    f.dispose();
    g.dispose();
    // A Graph holds the pixels as RGBA bytes: they survive toJSON → fromJSON.
    const graph = new wg.Graph();
    graph.build(() => ({ y: wg.browser.fromPixels(first(), 1) }));
    const loaded = wg.Graph.fromJSON(JSON.stringify(graph.toJSON()));
    for (const sess of [new wg.Session(graph), new wg.Session(loaded)]) {
      expect((await sess.run('y')).flat(2)).toEqual(expected(1));
      sess.close();
    }
    graph.dispose();
    loaded.dispose();
    if (dom) {
      // ImageData (not a plain object) is recorded as its bytes too.
      const g2 = new wg.Graph();
      g2.build(() => ({ y: wg.browser.fromPixels(sources.ImageData(), 4) }));
      const s2 = new wg.Session(wg.Graph.fromJSON(g2.toJSON()));
      expect((await s2.run('y')).flat(2)).toEqual(expected(4));
      s2.close();
      g2.dispose();
    }
    // Lazy mode: uploaded at once, used as a plan input.
    const lazy = await wg.withMode('graph', async () => {
      const t = wg.browser.fromPixels((sources.ImageBitmap ?? sources.PixelData)(), 1);
      const u = wg.add(t, 1);
      const v = Array.from(await u.data());
      wg.dispose([t, u]);
      return v;
    });
    expect(lazy).toEqual(expected(1).map((v) => v + 1));
  });

  test('200 uploads keep memory flat', async () => {
    const list = Object.values(sources).map((src) => src());
    const before = wg.memory();
    for (let i = 0; i < 200; i++) {
      wg.browser.fromPixels(list[i % list.length], 4).dispose();
      if (i % 50 === 49) await wg.ready();
    }
    const last = wg.browser.fromPixels(first(), 4);
    expect(Array.from(await last.data())).toEqual(expected(4));
    last.dispose();
    const after = wg.memory();
    expect(after.tensors).toBe(before.tensors);
    expect(after.bytesInUse).toBe(before.bytesInUse);
    expect(after.buffersCreated - before.buffersCreated).toBeLessThanOrEqual(2);
  });
});

describe('toPixels', () => {
  test.skipIf(!dom)('round trip: fromPixels(canvas) → toPixels(t, canvas2) equals the canvas, on both devices', async () => {
    const want = canvas.getContext('2d')!.getImageData(0, 0, W, H).data;
    for (const device of DEVICES) {
      for (const c of [3, 4]) {
        const t = wg.device(device, () => wg.browser.fromPixels(canvas, c));
        const canvas2 = document.createElement('canvas');
        const bytes = await wg.browser.toPixels(t, canvas2);
        expect([canvas2.width, canvas2.height]).toEqual([W, H]);
        expect(Array.from(bytes), `${device} ${c}`).toEqual(Array.from(want));
        expect(Array.from(canvas2.getContext('2d')!.getImageData(0, 0, W, H).data)).toEqual(Array.from(want));
        t.dispose();
      }
    }
  });

  test('float32 in [0, 1], 2-D grayscale, and an OffscreenCanvas', async () => {
    const f = [0, 0.5, 1, 0.25, 0.75, 1 / 255, 0.1, 0.9, 0.333, 0.666, 0.002, 0.998];
    const rgba = (v: number[], depth: number) => {
      const out: number[] = [];
      for (let i = 0; i < v.length / depth; i++) {
        const px = v.slice(i * depth, i * depth + depth);
        out.push(...(depth === 1 ? [px[0], px[0], px[0], 255] : depth === 3 ? [...px, 255] : px));
      }
      return out;
    };
    const scaled = f.map((v) => Math.round(Math.fround(v) * 255)); // the tensor holds float32 values
    const t3 = wg.tensor(f, [2, 2, 3]);
    expect(Array.from(await wg.browser.toPixels(t3))).toEqual(rgba(scaled, 3));
    // Drawn opaque (a canvas premultiplies: translucent pixels do not read back exactly).
    if (dom) {
      const off = new OffscreenCanvas(1, 1);
      await wg.browser.toPixels(t3, off);
      expect([off.width, off.height]).toEqual([2, 2]);
      expect(Array.from(off.getContext('2d')!.getImageData(0, 0, 2, 2).data)).toEqual(rgba(scaled, 3));
    }
    const t4 = wg.tensor(f, [1, 3, 4]);
    expect(Array.from(await wg.browser.toPixels(t4))).toEqual(rgba(scaled, 4));
    const gray = wg.tensor([0, 17, 128, 255, 3, 90], [2, 3], 'int32');
    expect(Array.from(await wg.browser.toPixels(gray))).toEqual(rgba([0, 17, 128, 255, 3, 90], 1));
    const gray1 = wg.device('cpu', () => wg.tensor(f.slice(0, 6), [3, 2, 1]));
    expect(Array.from(await wg.browser.toPixels(gray1))).toEqual(rgba(scaled.slice(0, 6), 1));
    wg.dispose([t3, t4, gray, gray1]);
  });
});
