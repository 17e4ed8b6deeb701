// Public selection ops (issue 18).
import { family } from './define';

/** selection ops (registry definitions). */
export const SELECTION_DEFS = family('nn', {});
