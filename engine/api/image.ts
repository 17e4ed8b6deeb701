// Public image and spatial-layout ops: image.resizeBilinear, image.resizeNearestNeighbor, mirrorPad,
// depthToSpace, spaceToBatchND, batchToSpaceND.
import { family } from './define';

/** Image ops (registry definitions). */
export const IMAGE_DEFS = family('image', {});
/** Spatial layout ops (registry definitions). */
export const LAYOUT_DEFS = family('movement', {});
