// TensorFlow.js converter family "logical": comparisons, logical ops and select.
import type { Family } from '../convert';

export const LOGICAL: Family = {
  excluded: {},
  ops: {},
};
