// wgflow from its bundle, dist/wgflow.js (what a page imports), for cold start: the peers come pre-bundled,
// so wgflow is measured the same way rather than as its source modules. scripts/test.mjs builds the bundle
// before the benchmarks; suite.bench.test.ts uses this adapter only when the bundle is there.
import type * as engine from '../../../engine/index';
import { wgflowLibs } from './wgflow_core';

const wg = (await import(/* @vite-ignore */ new URL('/dist/wgflow.js', import.meta.url).href)) as typeof engine;
export const libs = [...wgflowLibs(wg), ...wgflowLibs(wg, 'cpu')];
