// The op table: TensorFlow op name → translation, joined from one file per TensorFlow.js converter op list.
import type { OpTable } from '../convert';
import { ARITHMETIC } from './arithmetic';
import { BASIC_MATH } from './basic_math';
import { CONVOLUTION } from './convolution';
import { GRAPH } from './graph';
import { MATRICES } from './matrices';
import { NORMALIZATION } from './normalization';
import { REDUCTION } from './reduction';
import { TRANSFORMATION } from './transformation';

/** Each family's table, by the converter op list it follows (tests check coverage per family). */
export const FAMILIES: Readonly<Record<string, OpTable>> = {
  arithmetic: ARITHMETIC,
  basic_math: BASIC_MATH,
  matrices: MATRICES,
  convolution: CONVOLUTION,
  normalization: NORMALIZATION,
  transformation: TRANSFORMATION,
  reduction: REDUCTION,
  graph: GRAPH,
};

export const OP_TABLE: OpTable = Object.assign({}, ...Object.values(FAMILIES));
