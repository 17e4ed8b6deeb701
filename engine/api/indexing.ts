// Public indexing ops (issue 18).
import { family } from './define';

/** indexing ops (registry definitions). */
export const INDEXING_DEFS = family('movement', {});
