// Cold start: the time from importing a library in a fresh page to its first result, shader compilation
// and device acquisition included.
//
// Method: each measurement runs in a new same-origin <iframe>, which is a fresh JavaScript realm with its
// own module map, so the library's modules are evaluated anew and it acquires a new GPUDevice (pipelines
// are per device: every shader is compiled again). The frame builds the problem first (host data, untimed),
// then times `import(library)` → setup → prepare → first run with readback, checks the output against the
// CPU reference, and posts the figures to the parent. The HTTP cache is warm after a library's first frame,
// as it is for a returning visitor; `importMs` reports the import part on its own. What the browser may
// cache across devices (compiled shader blobs) is the browser's business, as on a real page.
//
// This module holds no library code: the frame gets a loader for the one adapter module it measures.
import type { BenchOptions } from './options';
import { median, summarize, type Log } from './runner';
import { makeProblem } from './workloads';
import type { Cell, CheckResult, Lib, LibId, Problem } from './types';

export interface ColdResult {
  /** Import to first result read back, in ms. */
  totalMs: number;
  /** The part spent in import() of the library and its adapter. */
  importMs: number;
  check: CheckResult;
}

/** Runs inside the fresh frame: measures one library's first chain result over `size` elements. */
export async function coldRunInFrame(
  id: LibId,
  size: number,
  load: () => Promise<{ libs: Lib[] }>,
): Promise<ColdResult> {
  const problem = makeProblem('cold', size);
  const t0 = performance.now();
  const { libs } = await load();
  const t1 = performance.now();
  const lib = libs.find((l) => l.id === id);
  if (!lib) throw new Error(`cold start: no library ${id} in the loaded module`);
  await lib.setup();
  const r = await lib.prepare(problem);
  if (!r) throw new Error(`cold start: ${id} has no chain workload`);
  const out = await r.run();
  const t2 = performance.now();
  const check = problem.check(out);
  r.dispose();
  await lib.teardown?.();
  return { totalMs: t2 - t0, importMs: t1 - t0, check };
}

/** How the parent makes a measuring frame: sets `src` or `srcdoc` so the frame posts {token, result|error}. */
export type FrameSetup = (frame: HTMLIFrameElement, id: LibId, size: number, token: string) => void;

let tokens = 0;

/** Opens one fresh frame, waits for its result (at most timeoutMs), and removes the frame. */
export function measureInFrame(id: LibId, size: number, setup: FrameSetup, timeoutMs = 120_000): Promise<ColdResult> {
  const token = `cold-${Date.now()}-${tokens++}`;
  const frame = document.createElement('iframe');
  frame.style.cssText = 'position:absolute;width:1px;height:1px;border:0;left:-10px';
  return new Promise<ColdResult>((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(new Error(`cold start: no answer from the ${id} frame in ${timeoutMs} ms`))), timeoutMs);
    const onMessage = (e: MessageEvent) => {
      if (e.source !== frame.contentWindow || e.data?.token !== token) return;
      finish(() => (e.data.error ? reject(new Error(e.data.error)) : resolve(e.data.result)));
    };
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      removeEventListener('message', onMessage);
      frame.remove();
      settle();
    };
    addEventListener('message', onMessage);
    setup(frame, id, size, token);
    document.body.append(frame);
  });
}

/**
 * The cold-start row: `opts.coldRepeats` fresh frames per library, the libraries taking turns (frame 1 of
 * each, then frame 2 of each, …) so that drift of a shared machine hits them alike.
 */
export async function runCold(p: Problem, libs: LibId[], opts: BenchOptions, setup: FrameSetup, log: Log = () => {}): Promise<Cell[]> {
  const cells = libs.map((lib): Cell => ({ workload: 'cold', size: p.size, lib, status: 'ok', unit: 'ms', samples: [] }));
  const parts = new Map(cells.map((c) => [c, { imports: [] as number[], firsts: [] as number[] }]));
  const fail = (cell: Cell, status: Cell['status'], note: string) => {
    Object.assign(cell, { status, note, samples: [] });
    log(`  ${cell.lib}: ${status}: ${note}`);
  };
  for (let i = 0; i < opts.coldRepeats; i++) {
    for (const cell of cells.filter((c) => c.status === 'ok')) {
      try {
        const r = await measureInFrame(cell.lib, p.size, setup);
        cell.maxAbsErr = Math.max(cell.maxAbsErr ?? 0, r.check.maxAbsErr);
        if (!r.check.ok) {
          fail(cell, 'wrong', `output differs from the CPU reference: ${r.check.detail}`);
          continue;
        }
        cell.samples.push(r.totalMs);
        parts.get(cell)!.imports.push(r.importMs);
        parts.get(cell)!.firsts.push(r.totalMs - r.importMs);
      } catch (e) {
        fail(cell, 'error', (e instanceof Error ? e.message : String(e)).slice(0, 300));
      }
    }
  }
  for (const cell of cells) {
    if (cell.status !== 'ok') continue;
    cell.importMs = median(parts.get(cell)!.imports);
    cell.firstMs = median(parts.get(cell)!.firsts);
    summarize(cell, { ...p, bytes: undefined }); // no throughput: the time is mostly start-up
  }
  return cells;
}
