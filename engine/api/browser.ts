// wg.browser: pixels in and out of tensors, with TensorFlow.js's names and rules. fromPixels is a registry op
// (its source is a pixel-source argument); on WebGPU the backend copies the source into a texture and one
// kernel unpacks it (engine/backend/webgpu/pixels.ts), elsewhere (the CPU device, graph planning, images over
// the texture size limit) the RGBA bytes are read through a 2D canvas and unpacked in one pass. While a graph
// records, a DOM source is read at once into RGBA bytes: the node holds them, like wg.tensor's values.
// fromPixelsAsync and toPixels return promises (and toPixels draws into a canvas), so they are plain functions.
import { family } from './define';
import { opt, p } from '../ops/registry';
import { DTypeError, ShapeError, WgError, callerLocation, type ErrorDetails } from '../core/errors';
import { fmtShape } from '../core/shape';
import { Tensor } from '../core/tensor';
import { checkFits, upload } from '../eager/dispatch';
import { placeOp } from '../eager/devices';
import { runtime } from '../eager/runtime';
import { activeBuilder } from '../graph/record';
import { currentLazy } from '../graph/mode';

/** TensorFlow.js's PixelData: RGBA bytes, 4 per pixel, row after row. */
export interface PixelData {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

/**
 * What wg.browser.fromPixels reads: PixelData or ImageData, or an HTMLImageElement, HTMLCanvasElement,
 * OffscreenCanvas, HTMLVideoElement or ImageBitmap. Typed by shape so that wgflow's types need no DOM library;
 * the call checks which it is.
 */
export type PixelSource = PixelData | { readonly width: number; readonly height: number };
/** Where wg.browser.toPixels draws: an HTMLCanvasElement or OffscreenCanvas (typed by shape, as PixelSource). */
export interface PixelCanvas {
  width: number;
  height: number;
}

type Drawable = HTMLImageElement | HTMLCanvasElement | HTMLVideoElement | ImageBitmap | OffscreenCanvas;

const FROM = 'fromPixels';
const TO = 'toPixels';

const is = (v: unknown, name: string): boolean => {
  const ctor = (globalThis as Record<string, unknown>)[name];
  return typeof ctor === 'function' && v instanceof ctor;
};
const isBytes = (v: unknown): v is PixelData =>
  typeof v === 'object' && v !== null && ((v as PixelData).data instanceof Uint8Array || (v as PixelData).data instanceof Uint8ClampedArray);
const kindOf = (v: unknown): string =>
  v === null ? 'null' : typeof v === 'object' ? (v.constructor?.name ?? 'an object') : typeof v;

function checkChannels(op: string, numChannels: unknown): number {
  if (numChannels === undefined) return 3;
  if (typeof numChannels === 'number' && numChannels > 4) {
    throw new ShapeError(`${op}: cannot construct a tensor with more than 4 channels from pixels (numChannels ${numChannels})`, { op });
  }
  if (numChannels !== 1 && numChannels !== 3 && numChannels !== 4) {
    throw new ShapeError(`${op}: numChannels must be 1, 3 or 4, got ${String(numChannels)}`, { op });
  }
  return numChannels;
}

/** The source's size, after checking that it is a source and has pixels to read. */
function sizeOf(op: string, src: unknown, numChannels: number): [number, number] {
  const err = (msg: string) => new ShapeError(`${op}: ${msg}`, { op });
  if (src === null || src === undefined) throw new DTypeError(`${op}: pixels passed to ${op}() can not be null`, { op });
  let size: [number, number];
  if (isBytes(src)) {
    const { width: w, height: h, data } = src;
    if (!Number.isSafeInteger(w) || !Number.isSafeInteger(h) || w < 0 || h < 0) throw err(`pixel data has width ${w} and height ${h}: they must be non-negative integers`);
    if (data.length !== w * h * 4) {
      throw err(`pixel data of ${w}×${h} needs ${w * h * 4} RGBA bytes (4 per pixel), got ${data.length}`);
    }
    size = [w, h];
  } else if (is(src, 'HTMLVideoElement')) {
    const v = src as HTMLVideoElement;
    if (v.readyState < 2) {
      throw err(`the video element has no frame yet (readyState ${v.readyState}); wait for its 'loadeddata' event`);
    }
    size = [v.videoWidth, v.videoHeight];
  } else if (is(src, 'HTMLImageElement')) {
    const im = src as HTMLImageElement;
    if (!im.complete || im.naturalWidth === 0) {
      throw err(`the image is not loaded (complete ${im.complete}, naturalWidth ${im.naturalWidth}); wait for its 'load' event or await img.decode()`);
    }
    size = [im.naturalWidth, im.naturalHeight];
  } else if (is(src, 'ImageBitmap')) {
    const b = src as ImageBitmap;
    if (b.width === 0 || b.height === 0) throw err(`the ImageBitmap is detached (closed) or empty (${b.width}×${b.height})`);
    size = [b.width, b.height];
  } else if (is(src, 'HTMLCanvasElement') || is(src, 'OffscreenCanvas')) {
    const c = src as HTMLCanvasElement;
    size = [c.width, c.height];
  } else {
    throw new DTypeError(
      `${op}: pixels must be an HTMLImageElement, HTMLCanvasElement, OffscreenCanvas, HTMLVideoElement, ImageData, ` +
        `ImageBitmap or { data: Uint8Array, width, height }, got ${kindOf(src)}`,
      { op },
    );
  }
  if (size[0] === 0 || size[1] === 0) {
    throw err(`the ${kindOf(src)} has no pixels (${size[0]}×${size[1]}): cannot make a [${size[1]}, ${size[0]}, ${numChannels}] tensor`);
  }
  return size;
}

/** A clear error for what the browser threw while reading a source (SecurityError: tainted). */
function readError(op: string, src: unknown, e: unknown, details: ErrorDetails = {}): Error {
  if (e instanceof WgError) return e;
  const name = (e as { name?: string })?.name;
  const msg = (e as { message?: string })?.message ?? String(e);
  if (name === 'SecurityError') {
    return new WgError(
      `${op}: the ${kindOf(src)} is tainted by cross-origin data, so its pixels cannot be read (load it with crossOrigin = 'anonymous' from a server that allows it): ${msg}`,
      { op, ...details },
    );
  }
  return new WgError(`${op}: could not read the pixels of the ${kindOf(src)} (${name ?? 'Error'}: ${msg})`, { op, ...details });
}

/** RGBA bytes of a drawable source, through a 2D canvas. */
function drawnBytes(src: Drawable, w: number, h: number): Uint8ClampedArray {
  const canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(w, h) : Object.assign(document.createElement('canvas'), { width: w, height: h });
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) throw new WgError(`${FROM}: no 2D canvas context to read pixels with`, { op: FROM });
  ctx.drawImage(src, 0, 0);
  return ctx.getImageData(0, 0, w, h).data;
}

function rgbaOf(src: PixelSource, w: number, h: number): PixelData {
  if (isBytes(src)) return src;
  try {
    return { width: w, height: h, data: drawnBytes(src as Drawable, w, h) };
  } catch (e) {
    throw readError(FROM, src, e);
  }
}

function fromPixels$impl(pixels: PixelSource, numChannels?: number): Tensor {
  const c = checkChannels(FROM, numChannels);
  const [w, h] = sizeOf(FROM, pixels, c);
  const shape = [h, w, c];
  const device = placeOp(FROM, [], shape);
  const backend = runtime.backend(device, FROM);
  if (backend.pixels) {
    checkFits(backend, FROM, shape, 'int32');
    let handle: unknown;
    try {
      handle = (backend.pixels as (s: PixelSource, w: number, h: number, c: number) => unknown)(pixels, w, h, c);
    } catch (e) {
      // Tainted: no way around it. What else the browser refuses (a video frame the copy cannot take): read it
      // through a canvas instead.
      if (e instanceof WgError || (e as { name?: string })?.name === 'SecurityError') throw readError(FROM, pixels, e);
    }
    if (handle !== undefined) return new Tensor(shape, 'int32', { owner: backend, handle, bytes: w * h * c * 4, refs: 0 }, device);
  }
  const { data } = rgbaOf(pixels, w, h);
  const out = new Int32Array(w * h * c);
  if (c === 4) out.set(data);
  else for (let i = 0, j = 0; i < out.length; j += 4) for (let k = 0; k < c; k++) out[i++] = data[j + k];
  return upload(FROM, out, shape, 'int32', device);
}

/** Pixel ops (registry definitions): wg.browser.fromPixels. */
export const BROWSER_DEFS = family('image', {
  fromPixels: {
    doc: "An int32 [height, width, numChannels] tensor (0..255) of an image, canvas, video, ImageBitmap, ImageData or PixelData; numChannels 1, 3 (default) or 4. TensorFlow.js's tf.browser.fromPixels; on WebGPU through copyExternalImageToTexture and one unpack kernel.",
    params: [p('pixels', 'pixelSource'), opt('numChannels', 'int')],
    returns: 'tensor',
    fromHost: true,
    namespace: 'browser',
    // A graph being built keeps the pixels as they are now (RGBA bytes), like wg.tensor keeps its values.
    prepare: (args) => {
      const b = activeBuilder();
      if (!b || b === currentLazy() || (isBytes(args[0]) && Object.getPrototypeOf(args[0]) === Object.prototype)) return args;
      const [w, h] = sizeOf(FROM, args[0], checkChannels(FROM, args[1]));
      return [{ width: w, height: h, data: rgbaOf(args[0] as PixelSource, w, h).data }, ...args.slice(1)];
    },
    impl: fromPixels$impl,
  },
});

/**
 * wg.browser's plain functions, given the registry's (recordable) fromPixels: fromPixelsAsync is fromPixels
 * after `createImageBitmap` (TensorFlow.js's fromPixelsAsync: the browser decodes the source first), toPixels.
 */
export function pixelFunctions(fromPixels: typeof fromPixels$impl) {
  return {
    async fromPixelsAsync(pixels: PixelSource, numChannels?: number): Promise<Tensor> {
      if (typeof createImageBitmap !== 'function' || isBytes(pixels) || is(pixels, 'ImageBitmap')) return fromPixels(pixels, numChannels);
      // Every check before the first await, so that errors name the caller's line.
      const location = callerLocation();
      sizeOf(FROM, pixels, checkChannels(FROM, numChannels));
      let bitmap: ImageBitmap;
      try {
        bitmap = await createImageBitmap(pixels as Drawable, { premultiplyAlpha: 'none' });
      } catch (e) {
        throw readError('fromPixelsAsync', pixels, e, { location });
      }
      try {
        return fromPixels(bitmap, numChannels);
      } finally {
        bitmap.close();
      }
    },
    toPixels,
  };
}

/**
 * The RGBA bytes of a [height, width] or [height, width, 1|3|4] image tensor (TensorFlow.js's toPixels):
 * float32 values in [0, 1] are scaled by 255, int32 values in [0, 255] taken as they are; one channel is
 * gray, three get alpha 255. Drawn into `canvas` (resized to width × height) when given.
 */
async function toPixels(img: Tensor, canvas?: PixelCanvas): Promise<Uint8ClampedArray> {
  const location = callerLocation();
  if (!(img instanceof Tensor)) throw new DTypeError(`${TO}: img must be a Tensor, got ${kindOf(img)}`, { op: TO, location });
  img.assertUsable(TO);
  const shapes = [[...img.shape]];
  if (img.rank !== 2 && img.rank !== 3) {
    throw new ShapeError(`${TO}: only rank 2 or 3 tensors can be shown, got rank ${img.rank} (shape ${fmtShape(img.shape)})`, { op: TO, shapes, location });
  }
  const [h, w] = img.shape;
  const depth = img.rank === 2 ? 1 : img.shape[2];
  if (depth !== 1 && depth !== 3 && depth !== 4) {
    throw new ShapeError(`${TO}: the depth (channels) must be 1, 3 or 4, got ${depth} (shape ${fmtShape(img.shape)})`, { op: TO, shapes, location });
  }
  if (img.dtype !== 'float32' && img.dtype !== 'int32') {
    throw new DTypeError(`${TO}: unsupported type ${img.dtype} (shape ${fmtShape(img.shape)}); use float32 or int32 tensors`, { op: TO, shapes, dtypes: [img.dtype], location });
  }
  if (canvas !== undefined && !is(canvas, 'HTMLCanvasElement') && !is(canvas, 'OffscreenCanvas')) {
    throw new DTypeError(`${TO}: canvas must be an HTMLCanvasElement or OffscreenCanvas, got ${kindOf(canvas)}`, { op: TO, location });
  }
  const vals = await img.data();
  const float = img.dtype === 'float32';
  const top = float ? 1 : 255;
  const scale = float ? 255 : 1;
  const bytes = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    const at = i * 4;
    for (let k = 0; k < depth; k++) {
      const v = vals[i * depth + k];
      if (v < 0 || v > top) {
        throw new ShapeError(
          `${TO}: values of a ${img.dtype} tensor must be in [0, ${top}], got ${v} at pixel (${Math.floor(i / w)}, ${i % w}) channel ${k} (shape ${fmtShape(img.shape)})`,
          { op: TO, shapes, dtypes: [img.dtype], location },
        );
      }
      bytes[at + k] = Math.round(v * scale);
    }
    if (depth === 1) bytes[at + 1] = bytes[at + 2] = bytes[at];
    if (depth !== 4) bytes[at + 3] = 255;
  }
  if (canvas) {
    canvas.width = w;
    canvas.height = h;
    const ctx = (canvas as HTMLCanvasElement).getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
    if (!ctx) throw new WgError(`${TO}: the canvas has another kind of context than '2d' (shape ${fmtShape(img.shape)})`, { op: TO, shapes, location });
    if (w > 0 && h > 0) ctx.putImageData(new ImageData(bytes, w, h), 0, 0);
  }
  return bytes;
}
