// TensorFlow.js converter family "slice_join": slicing, joining, gathering and scattering.
import type { Family } from '../convert';

export const SLICE_JOIN: Family = {
  excluded: {},
  ops: {},
};
