// Gradient rules: see autodiff/rules.ts for the contract (one gradient per argument, written with the public ops).
import type { DifferentiableOp } from '../api/registry';
import type { GradRule } from './grad_util';

export const NN_RULES: Partial<Record<DifferentiableOp, GradRule>> = {};
