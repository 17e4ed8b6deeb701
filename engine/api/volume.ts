// Public volume ops (issue 18).
import { family } from './define';

/** volume ops (registry definitions). */
export const VOLUME_DEFS = family('conv', {});
