// TensorFlow.js converter family "image": images (resize, crop, projective transforms).
import type { Family } from '../convert';

export const IMAGE: Family = {
  excluded: {},
  ops: {},
};
