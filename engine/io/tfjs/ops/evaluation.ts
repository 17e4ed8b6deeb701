// TensorFlow.js converter family "evaluation": top-k, unique, sorted search.
import type { Family } from '../convert';

export const EVALUATION: Family = {
  excluded: {},
  ops: {},
};
