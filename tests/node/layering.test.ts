// The engine's dependency direction (DESIGN.md §2), enforced: each folder imports only the folders below it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';

const ROOT = join(__dirname, '../../engine');
/** What each top-level engine folder may import from (besides itself). */
const ALLOWED: Record<string, string[]> = {
  core: [],
  ir: ['core'],
  ops: ['core', 'ir'],
  shaders: ['core', 'ir'],
  backend: ['core', 'ir', 'shaders'],
  eager: ['core', 'ir', 'ops', 'shaders', 'backend'],
  graph: ['core', 'ir', 'ops', 'shaders', 'backend', 'eager'],
  api: ['core', 'ir', 'ops', 'shaders', 'backend', 'eager', 'graph'],
  // Gradients: tapes hook the recordable wrapper (graph) and rules are written with the public ops (api).
  autodiff: ['core', 'ir', 'ops', 'shaders', 'backend', 'eager', 'graph', 'api'],
  // Training: optimizers take gradients (autodiff); losses and initializers are written with the public ops.
  train: ['core', 'ir', 'ops', 'shaders', 'backend', 'eager', 'graph', 'api', 'autodiff'],
  // Model import (wgflow/tfjs, wgflow/onnx) is built as its own entry: it reaches the engine only through the
  // public module (engine/index.ts), so its bundle imports the core instead of carrying a second copy.
  io: [],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('engine layering', () => {
  const all = files(ROOT).filter((f) => relative(ROOT, f).includes('/'));
  test('every engine folder is known', () => {
    for (const f of all) expect(Object.keys(ALLOWED)).toContain(relative(ROOT, f).split('/')[0]);
  });
  test.each(all.map((f) => [relative(ROOT, f), f]))('%s imports only downwards', (_name, f) => {
    const layer = relative(ROOT, f).split('/')[0];
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(/^\s*(?:import|export)[^'"]*from\s+'([^']+)'/gm)) {
      const spec = m[1];
      if (!spec.startsWith('.')) continue;
      const target = relative(ROOT, join(f, '..', spec)).split('/')[0];
      if (target === layer || target === '..' || !(target in ALLOWED)) continue;
      expect(ALLOWED[layer], `${relative(ROOT, f)} imports ${spec}`).toContain(target);
    }
  });
  test('the playground imports only the public entry', () => {
    const play = files(join(__dirname, '../../playground/src'));
    for (const f of play) {
      for (const m of readFileSync(f, 'utf8').matchAll(/from\s+'([^']*engine[^']*)'/g)) expect(m[1]).toMatch(/engine\/index$/);
    }
  });
});
