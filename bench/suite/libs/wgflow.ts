// wgflow's adapters over its source modules (engine/index.ts), as vitest serves them.
import * as engine from '../../../engine/index';
import type { Lib } from '../types';
import { wgflowLibs } from './wgflow_core';

export const libs: Lib[] = wgflowLibs(engine);
