// TensorFlow.js converter family "creation": fills, ranges, one-hot and random tensors.
import type { Family } from '../convert';

export const CREATION: Family = {
  excluded: {},
  ops: {},
};
