// Image uploads on WebGPU (wg.browser.fromPixels): the source goes to a fresh rgba8unorm texture with
// queue.copyExternalImageToTexture (DOM sources) or queue.writeTexture (RGBA bytes: ImageData, PixelData),
// then one compute dispatch reads each texel and writes its first `channels` bytes into the tensor's storage
// as int32. No JavaScript touches the pixels. The texture is destroyed once the dispatch is submitted.

export interface PixelsHost<S extends { buffer: GPUBuffer }> {
  readonly device: GPUDevice;
  alloc(bytes: number): S;
  /** The backend's open compute pass (its commands keep their order with every other kernel). */
  pass(): GPUComputePassEncoder;
  /** Submits what is recorded, then runs `after` once that submission is on the queue. */
  submitted(after: () => void): void;
}

/** RGBA bytes, 4 per pixel, row after row (ImageData, TensorFlow.js's PixelData). */
export interface RgbaBytes {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

const shader = (channels: number) => `
@group(0) @binding(0) var src: texture_2d<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<i32>;
@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let size = textureDimensions(src);
  if (g.x >= size.x || g.y >= size.y) { return; }
  let v = vec4i(round(textureLoad(src, vec2i(g.xy), 0) * 255.0));
  let o = (g.y * size.x + g.x) * ${channels}u;
  for (var c = 0u; c < ${channels}u; c++) { dst[o + c] = v[c]; }
}`;

const pipelines = new WeakMap<GPUDevice, Map<number, GPUComputePipeline>>();

function pipelineFor(device: GPUDevice, channels: number): GPUComputePipeline {
  let byChannels = pipelines.get(device);
  if (!byChannels) pipelines.set(device, (byChannels = new Map()));
  let p = byChannels.get(channels);
  if (!p) {
    const module = device.createShaderModule({ code: shader(channels), label: `fromPixels${channels}` });
    byChannels.set(channels, (p = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } })));
  }
  return p;
}

/**
 * A storage holding the [height, width, channels] int32 pixels of `source`, or undefined when the image is
 * over the device's texture size (the caller then reads the bytes on the CPU). Errors of the copy itself
 * (a tainted or detached source) are thrown as the browser raised them, with nothing left allocated.
 */
export function uploadPixels<S extends { buffer: GPUBuffer }>(
  host: PixelsHost<S>,
  source: GPUCopyExternalImageSource | RgbaBytes,
  width: number,
  height: number,
  channels: number,
): S | undefined {
  const { device } = host;
  const max = device.limits.maxTextureDimension2D;
  if (width > max || height > max) return undefined;
  const texture = device.createTexture({
    size: [width, height],
    format: 'rgba8unorm',
    usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST | GPUTextureUsage.RENDER_ATTACHMENT,
    label: 'fromPixels',
  });
  try {
    if ('data' in source && ArrayBuffer.isView(source.data)) {
      const d = source.data;
      device.queue.writeTexture({ texture }, d.buffer, { offset: d.byteOffset, bytesPerRow: width * 4, rowsPerImage: height }, [width, height]);
    } else {
      device.queue.copyExternalImageToTexture({ source: source as GPUCopyExternalImageSource }, { texture }, [width, height]);
    }
  } catch (e) {
    texture.destroy();
    throw e;
  }
  const bytes = width * height * channels * 4;
  const out = host.alloc(bytes);
  const pipeline = pipelineFor(device, channels);
  const group = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: texture.createView() },
      { binding: 1, resource: { buffer: out.buffer, size: bytes } },
    ],
  });
  const pass = host.pass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  pass.dispatchWorkgroups(Math.ceil(width / 8), Math.ceil(height / 8));
  host.submitted(() => texture.destroy());
  return out;
}
