// The parent side of a run: a fresh sandboxed frame per run (sandbox="allow-scripts", never
// allow-same-origin), the engine module's text posted to it (an opaque-origin frame cannot import the
// parent's module from a host that sends no CORS headers), and every message from it validated before use.
// A graph-mode run's frame stays (hidden, idle) until the next run starts, to save the graphs it kept.
// A snippet that imports 'wgflow/tfjs' gets that module too (fetched once, posted as text; the frame points its
// import of './wgflow.js' at the engine's Blob URL: one engine). A model opened with Open model… is posted with
// the run as `openedModel`; the frame's fetch of the site's sample models (models/…) is answered from here.
import type * as WG from '../../../engine/index';
import frameSource from './frame.js?raw';
import { graphSaves, type GraphSave } from './graph_saves';
import type { ModuleName } from './imports';
import type { OutputLine } from './output_log';
import {
  MAX_IMAGE_BYTES,
  validateComparison,
  validateImagePixels,
  validateImageSlot,
  validateGraphJSON,
  validateKeptPlans,
  validateRecord,
  type ImagePixels,
  type ImageSlot,
  type KeptPlans,
  type Profile,
  type ProfileComparison,
  type RunRecord,
} from './validate';

export type Mode = 'eager' | 'graph';

export interface Position {
  line: number;
  column: number;
}

export interface RunError {
  name: string;
  message: string;
  stack: string;
  /** In the emitted JavaScript (the caller maps it to the snippet). */
  position?: Position;
  op?: string;
  phase: 'load' | 'compile' | 'run' | 'uncaught' | 'unhandled';
}

export interface BackendSummary {
  backend: string;
  adapter: { vendor: string; architecture: string; description: string; isFallbackAdapter: boolean } | null;
  features: string[];
  reason?: string;
}

export interface MemoryReadout {
  tensors: number;
  bytesInUse: number;
}

export interface RunResult {
  /** Which run this was (Runner.saveGraph asks its frame). */
  runId?: number;
  ok: boolean;
  ms: number;
  mode: Mode;
  /** Lines the frame's function wrapper adds before the snippet (engine-reported positions include them). */
  lineOffset: number;
  record?: RunRecord;
  /** wg.toChromeTrace of the run's profile (JSON for Perfetto). */
  chromeTrace?: unknown;
  /** wg.compareProfiles(eager, graph) when the run was given the other mode's profile. */
  comparison?: ProfileComparison;
  /**
   * wg.memory() at the snippet's end (or when it threw: atError) and after the run; keptGraphs: how many graphs
   * the frame kept for saving (their data counts in `after`); budget: the run's memory limit in bytes.
   */
  memory?: { atEnd?: MemoryReadout; atError?: MemoryReadout; after?: MemoryReadout; keptGraphs?: number; budget?: number };
  /** Per record.graphs entry: the kept plan that saves it, or why it cannot be saved here. */
  saves?: GraphSave[];
  stopped?: boolean;
  /** The frame's process died during the run (out of memory, a crash): the run ended without a word from it. */
  crashed?: boolean;
}

/** Output lines as the frame sends them (batched: runner/frame.js). */
export type FrameLine = Pick<OutputLine, 'level' | 'text' | 'length'>;

export interface RunHandlers {
  /** A batch of output lines, after `skipped` lines the frame counted but did not send (past its caps). */
  onOutput(lines: FrameLine[], skipped: number): void;
  onError(e: RunError): void;
  onBackend?(info: BackendSummary): void;
  /** The snippet made a canvas to show (canvas()): its place among the output lines. */
  onImage?(slot: ImageSlot): void;
  /** A shown canvas's pixels (or why there are none), validated: sent once, when the snippet ended. */
  onImagePixels?(pixels: ImagePixels): void;
  /** Training points the snippet reported (report()), validated; `dropped`: points past the frame's cap. */
  onReport?(points: TrainPoint[], dropped: number): void;
}

/** One point of a training run, as a snippet reports it with `report({ step, loss, accuracy, stepMs, tensors })`. */
export interface TrainPoint {
  step: number;
  loss?: number;
  accuracy?: number;
  /** Milliseconds per training step over the steps since the previous point (measured by the snippet). */
  stepMs?: number;
  /** Live tensors (wg.memory().tensors) when the point was taken. */
  tensors?: number;
}

/** The most points one report batch may carry (frame.js sends them every 100 ms). */
const MAX_REPORT_BATCH = 5000;
const REPORT_KEYS = ['step', 'loss', 'accuracy', 'stepMs', 'tensors'] as const;

/** A report batch's points, rebuilt field by field: finite numbers only (a point without a finite step is dropped). */
export function validatePoints(v: unknown): TrainPoint[] {
  if (!Array.isArray(v)) return [];
  const out: TrainPoint[] = [];
  for (const p of v.slice(0, MAX_REPORT_BATCH)) {
    if (!p || typeof p !== 'object') continue;
    const o = p as Record<string, unknown>;
    const point: Partial<TrainPoint> = {};
    for (const k of REPORT_KEYS) {
      const x = num(o[k]);
      if (x !== undefined) point[k] = x;
    }
    if (point.step !== undefined) out.push(point as TrainPoint);
  }
  return out;
}

/** A model opened in the parent (files, a URL, a sample), posted into the frame as the global `openedModel`. */
export interface OpenedModel {
  /** What it is called in the dialog and the snippet (a file name, a URL, a sample's name). */
  name: string;
  /** model.json's text (the engine parses it, and says what is wrong with it). */
  modelJson: string;
  /** The weight shards in the manifest's order (those that were found). */
  weights: ArrayBuffer[];
}

/** The site's folder of sample models: the only same-origin files a frame may ask the parent to fetch. */
export const MODELS_DIR = 'models/';
/** The largest file the parent fetches for a frame. */
const MAX_FETCH_BYTES = 64 << 20;

const MAX_TEXT = 100_000;
/** The largest run record (JSON text) the parent parses: 100,000 kernels and ops with their sources fit. */
const MAX_RECORD_CHARS = 512 << 20;
/** A line of output: frame.js's LINE_CHARS, and the most lines one batch can carry (twice its TAIL_LINES). */
const MAX_LINE = 256 * 1024;
const MAX_BATCH = 2000;
const str = (v: unknown, max = MAX_TEXT): string | undefined => (typeof v === 'string' ? (v.length > max ? `${v.slice(0, max)}…` : v) : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const pos = (v: unknown): Position | undefined => {
  if (!v || typeof v !== 'object') return undefined;
  const { line, column } = v as Record<string, unknown>;
  const l = num(line);
  const c = num(column);
  return l !== undefined && c !== undefined ? { line: l, column: c } : undefined;
};
const memory = (v: unknown): MemoryReadout | undefined => {
  if (!v || typeof v !== 'object') return undefined;
  const { tensors, bytesInUse } = v as Record<string, unknown>;
  const t = num(tensors);
  const b = num(bytesInUse);
  return t !== undefined && b !== undefined ? { tensors: t, bytesInUse: b } : undefined;
};

/** How often the frame's worker beats, and how long a silence means the frame's process is gone. */
const PULSE_MS = 250;
const PULSE_LOST_MS = 4000;
const FRAME_DIED =
  "The run's frame stopped answering: its process died (it ran out of memory or crashed, or the GPU process was reset). The page kept everything; the next run starts a fresh frame.";

let nextRun = 1;
let nextRequest = 1;
/** How long a save may take (reading the graph's data back from the GPU), and a frame may take to let go. */
const SAVE_TIMEOUT_MS = 60_000;
const RELEASE_TIMEOUT_MS = 500;

/** A finished graph-mode run's frame, kept so its graphs can be saved; `pending` rejects saves in flight. */
interface KeptFrame {
  runId: number;
  frame: HTMLIFrameElement;
  pending: Set<(e: Error) => void>;
}

export class Runner {
  private lib: Promise<string> | undefined;
  private tfjs: Promise<string> | undefined;
  private frame: HTMLIFrameElement | undefined;
  private finish: ((r: RunResult) => void) | undefined;
  private kept: KeptFrame | undefined;

  /** `libUrl`: the engine bundle (dist/wgflow.js beside the page, or served by the dev server). */
  constructor(
    private readonly libUrl: string = new URL('wgflow.js', document.baseURI).href,
    /** `tfjsUrl`: the TensorFlow.js model importer (dist/wgflow-tfjs.js), fetched only for snippets that import it. */
    private readonly tfjsUrl: string = new URL('wgflow-tfjs.js', document.baseURI).href,
  ) {}

  /** The engine's source, fetched once and reused by every run. */
  library(): Promise<string> {
    this.lib ??= fetch(this.libUrl).then((r) => {
      if (!r.ok) throw new Error(`could not load the engine (${this.libUrl}: HTTP ${r.status})`);
      return r.text();
    });
    this.lib.catch(() => (this.lib = undefined));
    return this.lib;
  }

  /** wgflow/tfjs's source, fetched once (on the first run that imports it). */
  tfjsLibrary(): Promise<string> {
    this.tfjs ??= fetch(this.tfjsUrl).then((r) => {
      if (!r.ok) throw new Error(`could not load wgflow/tfjs (${this.tfjsUrl}: HTTP ${r.status})`);
      return r.text();
    });
    this.tfjs.catch(() => (this.tfjs = undefined));
    return this.tfjs;
  }

  get running(): boolean {
    return this.frame !== undefined;
  }

  /** Runs emitted JavaScript in a new frame; resolves when the run ends (or is stopped). */
  async run(
    code: string,
    mode: Mode,
    h: RunHandlers,
    options: {
      optimizations?: Record<string, boolean>;
      compareWith?: Profile;
      modules?: ReadonlySet<ModuleName>;
      model?: OpenedModel;
      /** The run's memory limit in bytes; the frame's default (frame.js defaultBudget) when not given. */
      memoryBudget?: number;
      /** From ticket(), taken when the run was asked for: Stop pressed before the frame exists stops it too. */
      stopped?: () => boolean;
    } = {},
  ): Promise<RunResult> {
    const { optimizations = {}, compareWith, modules, model, memoryBudget, stopped = this.ticket() } = options;
    this.halt();
    await this.release();
    const [lib, tfjs] = await Promise.all([this.library(), modules?.has('wgflow/tfjs') ? this.tfjsLibrary() : undefined]);
    if (stopped()) return { ok: false, ms: 0, mode, lineOffset: 0, stopped: true };
    const runId = nextRun++;
    const frame = document.createElement('iframe');
    frame.setAttribute('sandbox', 'allow-scripts');
    frame.setAttribute('aria-hidden', 'true');
    frame.style.display = 'none';
    // The frame's own script, inline (a static host may send no CORS headers for a script URL either).
    frame.srcdoc = `<!doctype html><meta charset="utf-8"><script type="module">${frameSource.replace(/<\/script/gi, '<\\/script')}</script>`;
    this.frame = frame;
    // The images of this run: slots announced, pixels received, bytes so far (bounded: validate.ts).
    const slots = new Set<number>();
    const filled = new Set<number>();
    let imageBytes = 0;
    // The frame's pulse: a worker in the frame beats on port2 every PULSE_MS (a worker, so a snippet that
    // never yields does not stop it); beats that stop for PULSE_LOST_MS mean the frame's process died.
    const pulse = new MessageChannel();
    return new Promise<RunResult>((resolve) => {
      let lastBeat: number | undefined;
      pulse.port1.onmessage = () => (lastBeat = performance.now());
      const watch = setInterval(() => {
        if (lastBeat === undefined || performance.now() - lastBeat < PULSE_LOST_MS || this.frame !== frame) return;
        h.onOutput([{ level: 'system', text: FRAME_DIED }], 0);
        done({ ok: false, ms: 0, mode, lineOffset: 0, crashed: true });
      }, PULSE_MS);
      const done = (r: RunResult, keep = false) => {
        clearInterval(watch);
        pulse.port1.close();
        removeEventListener('message', onMessage);
        if (this.frame === frame) {
          if (keep) this.kept = { runId, frame, pending: new Set() };
          else frame.remove();
          this.frame = undefined;
          this.finish = undefined;
        }
        resolve(r);
      };
      this.finish = done;
      const onMessage = (e: MessageEvent) => {
        if (e.source !== frame.contentWindow) return;
        const m = e.data as Record<string, unknown> | null;
        if (!m || typeof m !== 'object' || typeof m.type !== 'string') return;
        if (m.type === 'ready') {
          // The other mode's profile goes as JSON text (a long run's crosses far faster so: see frame.js).
          const other = compareWith === undefined ? undefined : JSON.stringify(compareWith);
          frame.contentWindow!.postMessage({ type: 'run', runId, lib, tfjs, base: document.baseURI, model, code, mode, optimizations, compareWith: other, memoryBudget }, '*', [pulse.port2]);
          return;
        }
        if (m.runId !== runId) return;
        switch (m.type) {
          case 'fetch':
            void answerFetch(frame, runId, m);
            break;
          case 'output': {
            const lines = Array.isArray(m.lines) ? m.lines.slice(0, MAX_BATCH) : [];
            const skipped = num(m.skipped) ?? 0;
            h.onOutput(
              lines.map((l: unknown) => {
                const o = (l && typeof l === 'object' ? l : {}) as Record<string, unknown>;
                const length = num(o.length);
                return { level: str(o.level, 10) ?? 'log', text: str(o.text, MAX_LINE) ?? '', ...(length !== undefined ? { length } : {}) };
              }),
              // Lines past the batch's bound count as skipped.
              Math.max(0, Math.floor(skipped)) + (Array.isArray(m.lines) ? m.lines.length - lines.length : 0),
            );
            break;
          }
          case 'image': {
            let slot: ImageSlot;
            try {
              slot = validateImageSlot(m);
              if (slots.has(slot.id)) throw new Error(`image ${slot.id} was announced twice`);
            } catch (err) {
              h.onOutput([{ level: 'system', text: `An image was not shown: ${(err as Error).message}.` }], 0);
              break;
            }
            slots.add(slot.id);
            h.onImage?.(slot);
            break;
          }
          case 'pixels': {
            const id = typeof m.id === 'number' && slots.has(m.id) && !filled.has(m.id) ? m.id : undefined;
            if (id === undefined) {
              h.onOutput([{ level: 'system', text: 'An image was not shown: its pixels came for no canvas of this run.' }], 0);
              break;
            }
            filled.add(id);
            let p: ImagePixels;
            try {
              p = validateImagePixels(m);
              if ('data' in p && (imageBytes += p.data.length) > MAX_IMAGE_BYTES) p = { id, error: `the run's images passed ${MAX_IMAGE_BYTES >> 20} MiB together` };
            } catch (err) {
              p = { id, error: `its pixels were malformed (${(err as Error).message})` };
            }
            h.onImagePixels?.(p);
            break;
          }
          case 'report': {
            const points = validatePoints(m.points);
            const dropped = Math.max(0, Math.floor(num(m.dropped) ?? 0)) + (Array.isArray(m.points) ? m.points.length - points.length : 0);
            if (points.length || dropped) h.onReport?.(points, dropped);
            break;
          }
          case 'backend':
            if (m.info && typeof m.info === 'object') h.onBackend?.(backendSummary(m.info as Record<string, unknown>));
            break;
          case 'error': {
            const err = (m.error ?? {}) as Record<string, unknown>;
            const phase = (['load', 'compile', 'run', 'uncaught', 'unhandled'] as const).find((p) => p === m.phase) ?? 'run';
            h.onError({
              name: str(err.name, 200) ?? 'Error',
              message: str(err.message) ?? '',
              stack: str(err.stack) ?? '',
              position: pos(err.position),
              op: str(err.op, 200),
              phase,
            });
            break;
          }
          case 'done': {
            let record: RunRecord | undefined;
            let comparison: ProfileComparison | undefined;
            let kept: KeptPlans | undefined;
            try {
              // JSON text from the frame (bounded like any string the frame sends), rebuilt field by field.
              if (typeof m.record === 'string' && m.record.length > MAX_RECORD_CHARS) throw new Error(`it is larger than ${MAX_RECORD_CHARS >> 20} M characters`);
              record = m.record === undefined ? undefined : validateRecord(typeof m.record === 'string' ? JSON.parse(m.record) : m.record);
              comparison = m.comparison === undefined ? undefined : validateComparison(m.comparison);
              kept = m.graphs === undefined ? undefined : validateKeptPlans(m.graphs);
            } catch (err) {
              h.onError({ name: 'RecordError', message: `the run record was malformed: ${(err as Error).message}`, stack: '', phase: 'run' });
            }
            // The Chrome trace is only ever downloaded as a file: kept as it came, if it is a plain object.
            const chromeTrace = parseTrace(m.chromeTrace);
            const mem = (m.memory ?? {}) as Record<string, unknown>;
            const saves = record && graphSaves(record.graphs, kept);
            const keep = m.ok === true && saves !== undefined && saves.some((s) => 'plan' in s);
            done({
              runId,
              ok: m.ok === true,
              ms: num(m.ms) ?? 0,
              mode: m.mode === 'graph' ? 'graph' : 'eager',
              lineOffset: num(m.lineOffset) ?? 0,
              record,
              comparison,
              chromeTrace,
              // The graphs the frame kept still held their data when it read memory.after.
              memory: {
                atEnd: memory(mem.atEnd),
                atError: memory(mem.atError),
                after: memory(mem.after),
                keptGraphs: kept?.plans.filter((p) => p.kept).length,
                budget: num(mem.budget),
              },
              saves,
            }, keep);
            break;
          }
        }
      };
      addEventListener('message', onMessage);
      document.body.append(frame);
    });
  }

  /** Whether run `runId`'s frame is still kept (until the next run starts), so its graphs can be saved. */
  holds(runId: number | undefined): boolean {
    return runId !== undefined && this.kept?.runId === runId;
  }

  /** Graph JSON (`await g.save()` in the frame) of plan `plan` of the kept run `runId`, validated. */
  saveGraph(runId: number, plan: number): Promise<WG.GraphJSON> {
    const kept = this.kept;
    if (!kept || kept.runId !== runId) return Promise.reject(new Error('the graphs of this run are gone (a later run replaced them): run the snippet again in Graph mode'));
    const requestId = nextRequest++;
    return new Promise<WG.GraphJSON>((resolve, reject) => {
      const settle = (f: () => void) => {
        clearTimeout(timer);
        removeEventListener('message', onMessage);
        kept.pending.delete(fail);
        f();
      };
      const fail = (e: Error) => settle(() => reject(e));
      const timer = setTimeout(() => fail(new Error('the frame of the run did not answer')), SAVE_TIMEOUT_MS);
      const onMessage = (e: MessageEvent) => {
        if (e.source !== kept.frame.contentWindow) return;
        const m = e.data as Record<string, unknown> | null;
        if (!m || typeof m !== 'object' || m.type !== 'saved' || m.runId !== runId || m.requestId !== requestId) return;
        if (m.error !== undefined) return fail(new Error(str(m.error, 2000) ?? 'the graph could not be saved'));
        try {
          const json = validateGraphJSON(m.json);
          settle(() => resolve(json));
        } catch (err) {
          fail(new Error(`the saved graph was malformed: ${(err as Error).message}`));
        }
      };
      kept.pending.add(fail);
      addEventListener('message', onMessage);
      kept.frame.contentWindow?.postMessage({ type: 'save', runId, requestId, plan }, '*');
    });
  }

  /** Lets the last graph-mode run's frame go: it disposes the graphs it kept (briefly awaited), then is removed. */
  private async release(): Promise<void> {
    const kept = this.kept;
    if (!kept) return;
    this.kept = undefined;
    for (const fail of [...kept.pending]) fail(new Error('a new run started: the graphs of the previous run are gone'));
    await new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        removeEventListener('message', onMessage);
        resolve();
      };
      const timer = setTimeout(finish, RELEASE_TIMEOUT_MS);
      const onMessage = (e: MessageEvent) => {
        const m = e.data as Record<string, unknown> | null;
        if (e.source === kept.frame.contentWindow && m && m.type === 'released' && m.runId === kept.runId) finish();
      };
      addEventListener('message', onMessage);
      kept.frame.contentWindow?.postMessage({ type: 'release', runId: kept.runId }, '*');
    });
    kept.frame.remove();
  }

  private stops = 0;

  /** Says, later, whether stop() was called since: a run asked for now and stopped before it started. */
  ticket(): () => boolean {
    const at = this.stops;
    return () => this.stops !== at;
  }

  /** Stops a run by removing its frame (a runaway loop dies with it), or before it starts; the next run gets a new frame. */
  stop(): void {
    this.stops++;
    this.halt();
  }

  private halt(): void {
    const f = this.finish;
    if (this.frame) {
      this.frame.remove();
      this.frame = undefined;
    }
    this.finish = undefined;
    f?.({ ok: false, ms: 0, mode: 'eager', lineOffset: 0, stopped: true });
  }
}

/**
 * Answers a frame's fetch of a sample model file (the frame's opaque origin cannot read the site's files when
 * the server sends no CORS headers): same-origin URLs under the site's models/ folder only, bounded in size.
 */
async function answerFetch(frame: HTMLIFrameElement, runId: number, m: Record<string, unknown>): Promise<void> {
  const requestId = m.requestId;
  if (typeof requestId !== 'number') return;
  const reply = (r: Record<string, unknown>, transfer: Transferable[] = []) =>
    frame.contentWindow?.postMessage({ type: 'fetched', runId, requestId, ...r }, '*', transfer);
  try {
    if (typeof m.url !== 'string' || m.url.length > 2000) throw new Error('the URL is not a string');
    const url = new URL(m.url, document.baseURI);
    const dir = new URL(MODELS_DIR, document.baseURI);
    if (url.origin !== dir.origin || !url.pathname.startsWith(dir.pathname) || url.pathname.includes('..')) {
      throw new Error(`the playground's frame may fetch this site's ${MODELS_DIR} files only, not ${url.href}`);
    }
    const r = await fetch(url.href);
    const body = r.ok ? await r.arrayBuffer() : undefined;
    if (body && body.byteLength > MAX_FETCH_BYTES) throw new Error(`${url.href} is larger than ${MAX_FETCH_BYTES >> 20} MiB`);
    reply({ status: r.status, statusText: r.statusText, body }, body ? [body] : []);
  } catch (e) {
    reply({ error: e instanceof Error ? e.message : String(e) });
  }
}

function backendSummary(info: Record<string, unknown>): BackendSummary {
  const a = info.adapter as Record<string, unknown> | null | undefined;
  return {
    backend: str(info.backend, 20) ?? 'unknown',
    adapter: a
      ? {
          vendor: str(a.vendor, 200) ?? '',
          architecture: str(a.architecture, 200) ?? '',
          description: str(a.description, 500) ?? '',
          isFallbackAdapter: a.isFallbackAdapter === true,
        }
      : null,
    features: Array.isArray(info.features) ? info.features.filter((f): f is string => typeof f === 'string').slice(0, 64) : [],
    reason: str(info.reason, 500),
  };
}

/** The Chrome trace as the frame sent it (JSON text), kept if it is a plain object. */
function parseTrace(v: unknown): unknown {
  let t = v;
  if (typeof v === 'string') {
    try {
      t = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  return t && typeof t === 'object' && !Array.isArray(t) ? t : undefined;
}
