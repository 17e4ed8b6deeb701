// Misuse of wg.browser.fromPixels / fromPixelsAsync / toPixels: a clear error naming the op, the problem and the
// caller's line; nothing allocated (wg.memory() unchanged), no WebGPU validation error (tests/browser/setup.ts),
// and the engine keeps working. On WebGPU and on the CPU device.
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { badCall, expectWorks } from '../helpers/bad_input';
import { expectLocation } from '../helpers/locations';

const FILE = 'bad_input_pixels.test.ts';
const bad = badCall(FILE);
/** In a page; the Dawn run of these suites (Node) has no DOM: there only the cases without one run. */
const dom = typeof document !== 'undefined';

const canvasOf = (w: number, h: number) => {
  const c = Object.assign(document.createElement('canvas'), { width: w, height: h });
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = 'rgb(10,20,30)';
  ctx.fillRect(0, 0, w, h);
  return c;
};
/** A 2×1 image of rgb(10, 20, 30): a canvas in a page, else PixelData. */
const image21 = () => (dom ? canvasOf(2, 1) : { data: Uint8Array.of(10, 20, 30, 255, 10, 20, 30, 255), width: 2, height: 1 });
/** A correct upload after the errors. */
const works = () => expectWorks(() => wg.browser.fromPixels(image21()), [1, 2, 3], [10, 20, 30, 10, 20, 30]);

/** A cross-origin image (localhost ↔ 127.0.0.1, same server), or undefined when it cannot be loaded here. */
async function crossOriginImage(): Promise<HTMLImageElement | undefined> {
  const other = location.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  for (const path of ['/public/favicon.svg', '/favicon.svg']) {
    const img = new Image(16, 16);
    img.src = `${location.protocol}//${other}:${location.port}${path}`;
    const ok = await Promise.race([img.decode().then(() => true, () => false), new Promise<boolean>((r) => setTimeout(() => r(false), 2000))]);
    if (ok && img.naturalWidth > 0) return img;
  }
  return undefined;
}

for (const device of ['webgpu', 'cpu'] as const) {
  const on = <T>(fn: () => T) => wg.device(device, fn);

  describe(`fromPixels (${device})`, () => {
    test('not a pixel source, null, a bad numChannels', async () => {
      bad(new Error(), () => on(() => wg.browser.fromPixels(42 as never)), 'fromPixels', ['fromPixels:', 'HTMLImageElement', 'ImageData', 'got number'], wg.DTypeError);
      bad(new Error(), () => on(() => wg.browser.fromPixels({ width: 2 } as never)), 'fromPixels', ['fromPixels:', 'width, height', 'got Object'], wg.DTypeError);
      bad(new Error(), () => on(() => wg.browser.fromPixels(null as never)), 'fromPixels', ['fromPixels:', 'can not be null'], wg.DTypeError);
      const c = image21();
      bad(new Error(), () => on(() => wg.browser.fromPixels(c, 2)), 'fromPixels', ['fromPixels:', 'numChannels must be 1, 3 or 4, got 2']);
      bad(new Error(), () => on(() => wg.browser.fromPixels(c, 5)), 'fromPixels', ['fromPixels:', 'more than 4 channels', 'numChannels 5']);
      bad(new Error(), () => on(() => wg.browser.fromPixels({ data: new Uint8Array(7), width: 2, height: 1 })), 'fromPixels', ['fromPixels:', '2×1', 'needs 8 RGBA bytes', 'got 7']);
      await works();
    });

    test.skipIf(!dom)('zero-size, unloaded and detached sources, a video without a frame', async () => {
      bad(new Error(), () => on(() => wg.browser.fromPixels(canvasOf(0, 5))), 'fromPixels', ['fromPixels:', 'HTMLCanvasElement has no pixels (0×5)', '[5, 0, 3]']);
      bad(new Error(), () => on(() => wg.browser.fromPixels(new OffscreenCanvas(3, 0), 4)), 'fromPixels', ['fromPixels:', 'OffscreenCanvas has no pixels (3×0)', '[0, 3, 4]']);
      bad(new Error(), () => on(() => wg.browser.fromPixels({ data: new Uint8Array(0), width: 0, height: 0 })), 'fromPixels', ['fromPixels:', 'has no pixels (0×0)']);
      bad(new Error(), () => on(() => wg.browser.fromPixels(new Image())), 'fromPixels', ['fromPixels:', 'image is not loaded', 'naturalWidth 0', "'load' event"]);
      bad(new Error(), () => on(() => wg.browser.fromPixels(document.createElement('video'))), 'fromPixels', ['fromPixels:', 'video element has no frame yet (readyState 0)', 'loadeddata']);
      const bitmap = await createImageBitmap(canvasOf(2, 2));
      bitmap.close();
      bad(new Error(), () => on(() => wg.browser.fromPixels(bitmap)), 'fromPixels', ['fromPixels:', 'ImageBitmap is detached (closed)']);
      await works();
    });

    test.skipIf(!dom)('a tainted (cross-origin) image and canvas', async () => {
      const img = await crossOriginImage();
      if (!img) return console.warn(`${FILE}: no cross-origin image could be loaded here; the tainted case was not run`);
      const c = document.createElement('canvas');
      c.width = c.height = 16;
      c.getContext('2d')!.drawImage(img, 0, 0);
      expect(() => c.getContext('2d')!.getImageData(0, 0, 1, 1), 'the canvas is tainted').toThrow(/cross-origin|insecure|tainted/i);
      for (const src of [c, img]) {
        const e = bad(new Error(), () => on(() => wg.browser.fromPixels(src)), 'fromPixels', ['fromPixels:', 'tainted by cross-origin data', "crossOrigin = 'anonymous'"], wg.WgError);
        expect(e.message).toContain(src.constructor.name);
      }
      await works();
    });

    test.skipIf(!dom)('fromPixelsAsync: the same errors, at the caller', async () => {
      const [m1, p1] = [new Error(), on(() => wg.browser.fromPixelsAsync(new Image()))];
      const e1 = await p1.then(() => undefined, (e: unknown) => e as wg.WgError);
      expect(e1).toBeInstanceOf(wg.ShapeError);
      expect(e1!.message).toContain('fromPixels: the image is not loaded');
      expectLocation(e1!, m1, FILE);
      await expect(on(() => wg.browser.fromPixelsAsync(canvasOf(1, 1), 0))).rejects.toThrow('numChannels must be 1, 3 or 4, got 0');
      await expect(on(() => wg.browser.fromPixelsAsync('img' as never))).rejects.toThrow(/fromPixels: pixels must be .* got string/);
      await works();
    });
  });
}

describe('toPixels', () => {
  /** A toPixels call that must reject with `cls`, the parts, at the marker's line, allocating nothing. */
  async function rejects(marker: Error, p: Promise<unknown>, parts: string[], cls: typeof wg.WgError = wg.ShapeError): Promise<void> {
    const before = wg.memory();
    const e = (await p.then(() => undefined, (x: unknown) => x)) as wg.WgError;
    expect(e).toBeInstanceOf(cls);
    expect(e.op).toBe('toPixels');
    for (const part of parts) expect(e.message).toContain(part);
    expectLocation(e, marker, FILE);
    expect(wg.memory()).toEqual(before);
  }

  test('rank, depth, dtype, a non-tensor, a non-canvas', async () => {
    const r1 = wg.zeros([4]);
    const r4 = wg.zeros([1, 2, 2, 3]);
    const d2 = wg.zeros([2, 2, 2]);
    const b = wg.tensor([true, false], [1, 2]);
    const u = wg.tensor([1, 2], [1, 2], 'uint32');
    await rejects(new Error(), wg.browser.toPixels(r1), ['toPixels:', 'rank 2 or 3', 'got rank 1', '[4]']);
    await rejects(new Error(), wg.browser.toPixels(r4), ['toPixels:', 'got rank 4', '[1,2,2,3]']);
    await rejects(new Error(), wg.browser.toPixels(d2), ['toPixels:', 'depth', '1, 3 or 4, got 2', '[2,2,2]']);
    await rejects(new Error(), wg.browser.toPixels(b), ['toPixels:', 'unsupported type bool', 'float32 or int32'], wg.DTypeError);
    await rejects(new Error(), wg.browser.toPixels(u), ['toPixels:', 'unsupported type uint32'], wg.DTypeError);
    await rejects(new Error(), wg.browser.toPixels([[0.5]] as never), ['toPixels:', 'must be a Tensor', 'got Array'], wg.DTypeError);
    const ok = wg.zeros([1, 1]);
    await rejects(new Error(), wg.browser.toPixels(ok, {} as never), ['toPixels:', 'canvas must be an HTMLCanvasElement or OffscreenCanvas', 'got Object'], wg.DTypeError);
    wg.dispose([r1, r4, d2, b, u, ok]);
  });

  test('values out of range, on both devices; a disposed tensor', async () => {
    const hi = wg.tensor([0, 0.5, 1.5], [1, 1, 3]);
    const neg = wg.device('cpu', () => wg.tensor([0, -1, 3, 4], [2, 2], 'int32'));
    const big = wg.tensor([255, 256, 0], [1, 3], 'int32');
    await rejects(new Error(), wg.browser.toPixels(hi), ['toPixels:', 'float32 tensor must be in [0, 1], got 1.5', 'pixel (0, 0) channel 2', '[1,1,3]']);
    await rejects(new Error(), wg.browser.toPixels(neg), ['toPixels:', 'int32 tensor must be in [0, 255], got -1', 'pixel (0, 1)']);
    await rejects(new Error(), wg.browser.toPixels(big, dom ? document.createElement('canvas') : undefined), ['toPixels:', 'got 256', 'pixel (0, 1)']);
    const gone = wg.zeros([1, 1]);
    gone.dispose();
    await expect(wg.browser.toPixels(gone)).rejects.toThrow(wg.DisposedError);
    wg.dispose([hi, neg, big]);
    const one = wg.ones([1, 1]);
    expect(Array.from(await wg.browser.toPixels(one))).toEqual([255, 255, 255, 255]);
    one.dispose();
  });
});
