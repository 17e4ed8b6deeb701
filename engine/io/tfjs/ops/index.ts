// The op table: TensorFlow op name → translation, joined from one file per TensorFlow.js converter op list
// (@tensorflow/tfjs-converter's operations/op_list/<family>.json). Each family also lists what it excludes, and
// why; tests/node/tfjs_op_table.test.ts fails on an op of a list that is in neither.
import type { Family, OpTable } from '../convert';
import { ARITHMETIC } from './arithmetic';
import { BASIC_MATH } from './basic_math';
import { CONVOLUTION } from './convolution';
import { CREATION } from './creation';
import { DYNAMIC } from './dynamic';
import { EVALUATION } from './evaluation';
import { GRAPH } from './graph';
import { IMAGE } from './image';
import { LOGICAL } from './logical';
import { MATRICES } from './matrices';
import { NORMALIZATION } from './normalization';
import { REDUCTION } from './reduction';
import { SLICE_JOIN } from './slice_join';
import { TRANSFORMATION } from './transformation';

/** Each family, by the name of the converter op list it follows. */
export const FAMILIES: Readonly<Record<string, Family>> = {
  arithmetic: ARITHMETIC,
  basic_math: BASIC_MATH,
  matrices: MATRICES,
  convolution: CONVOLUTION,
  normalization: NORMALIZATION,
  image: IMAGE,
  slice_join: SLICE_JOIN,
  transformation: TRANSFORMATION,
  reduction: REDUCTION,
  logical: LOGICAL,
  evaluation: EVALUATION,
  creation: CREATION,
  graph: GRAPH,
  dynamic: DYNAMIC,
};

export const OP_TABLE: OpTable = Object.assign({}, ...Object.values(FAMILIES).map((f) => f.ops));
