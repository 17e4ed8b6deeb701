// Public pooling and batch normalisation: maxPool, avgPool, pool, batchNorm (and its 2-D to 4-D forms).
import { family } from './define';

/** Pooling and normalisation (registry definitions). */
export const POOL_DEFS = family('nn', {});
