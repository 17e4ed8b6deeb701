// TensorFlow.js converter family "image": images (resize, crop, projective transforms), NHWC.
import * as wg from '../../../index';
import type { Family, OpContext } from '../convert';

/** The [height, width] of a size input. */
function size2(ctx: OpContext, i: number, what: string): [number, number] {
  const s = ctx.ints(i, what);
  if (s.length !== 2) throw ctx.error(`${what} must have 2 entries [height, width], got [${s.join(', ')}]`);
  return [s[0], s[1]];
}

function resize(kind: 'bilinear' | 'nearest') {
  return (ctx: OpContext) => {
    const size = size2(ctx, 1, 'size');
    const align = ctx.attrs.bool('align_corners', false);
    const half = ctx.attrs.bool('half_pixel_centers', false);
    if (align && half) throw ctx.error('align_corners and half_pixel_centers cannot both be true');
    return kind === 'bilinear'
      ? wg.image.resizeBilinear(ctx.input(0), size, align, half)
      : wg.image.resizeNearestNeighbor(ctx.input(0), size, align, half);
  };
}

const INTERPOLATION: Record<string, 'nearest' | 'bilinear'> = { NEAREST: 'nearest', BILINEAR: 'bilinear' };
const FILL: Record<string, 'constant' | 'reflect' | 'wrap' | 'nearest'> = { CONSTANT: 'constant', REFLECT: 'reflect', WRAP: 'wrap', NEAREST: 'nearest' };

export const IMAGE: Family = {
  excluded: {},
  ops: {
    ResizeBilinear: resize('bilinear'),
    ResizeNearestNeighbor: resize('nearest'),
    // Inputs: image, boxes, box_ind, crop_size.
    CropAndResize: (ctx) => {
      const method = ctx.attrs.string('method', 'bilinear');
      if (method !== 'bilinear' && method !== 'nearest') throw ctx.error(`method '${method}' is not supported (bilinear or nearest)`);
      return wg.image.cropAndResize(ctx.input(0), ctx.input(1), ctx.input(2), size2(ctx, 3, 'crop_size'), method, ctx.attrs.float('extrapolation_value', 0));
    },
    // Inputs: images, transforms, output_shape, fill_value.
    ImageProjectiveTransformV3: (ctx) => {
      const interp = ctx.attrs.string('interpolation');
      const fill = ctx.attrs.string('fill_mode', 'CONSTANT');
      if (!(interp in INTERPOLATION)) throw ctx.error(`interpolation '${interp}' is not supported (NEAREST or BILINEAR)`);
      if (!(fill in FILL)) throw ctx.error(`fill_mode '${fill}' is not supported (CONSTANT, REFLECT, WRAP or NEAREST)`);
      const fillValue = ctx.inputs.length > 3 ? ctx.number(3, 'fill_value') : 0;
      return wg.image.transform(ctx.input(0), ctx.input(1), INTERPOLATION[interp], FILL[fill], fillValue, size2(ctx, 2, 'output_shape'));
    },
  },
};
