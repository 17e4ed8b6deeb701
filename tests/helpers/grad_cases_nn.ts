// Finite-difference cases for a family's gradient rules: see grad_cases.ts (the float64 references and helpers).
import type { GradCase } from './grad_cases';

export const NN_GRAD_CASES: GradCase[] = [];
