// Public einsum ops (issue 18).
import { family } from './define';

/** einsum ops (registry definitions). */
export const EINSUM_DEFS = family('linalg', {});
