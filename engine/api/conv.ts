// Public convolutions: conv1d, conv2d, depthwiseConv2d, separableConv2d, conv2dTranspose, and the fused
// forms (wg.fused.conv2d / depthwiseConv2d / matMul) with a bias and an activation in one kernel.
import { family } from './define';

/** Convolutions (registry definitions). */
export const CONV_DEFS = family('conv', {});
