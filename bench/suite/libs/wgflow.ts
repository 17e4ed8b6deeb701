// wgflow's adapters (WebGPU and CPU device, eager and graph) over its source modules, as vitest serves them.
import * as engine from '../../../engine/index';
import type { Lib } from '../types';
import { wgflowLibs } from './wgflow_core';

export const libs: Lib[] = [...wgflowLibs(engine), ...wgflowLibs(engine, 'cpu')];
