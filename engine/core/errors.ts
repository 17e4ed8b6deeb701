// Typed errors: one base class carrying the op, shapes/dtypes and the user's source location.

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export interface ErrorDetails {
  op?: string;
  shapes?: number[][];
  dtypes?: string[];
  location?: SourceLocation;
}

export class WgError extends Error {
  readonly op?: string;
  readonly shapes?: number[][];
  readonly dtypes?: string[];
  readonly location?: SourceLocation;

  constructor(message: string, details: ErrorDetails = {}) {
    const location = details.location ?? callerLocation();
    super(location ? `${message} (at ${formatLocation(location)})` : message);
    this.name = new.target.name;
    this.op = details.op;
    this.shapes = details.shapes;
    this.dtypes = details.dtypes;
    this.location = location;
  }
}

/** Shapes that cannot work together: broadcasting, reshape sizes, bad shape arguments, ragged arrays. */
export class ShapeError extends WgError {}
/** A dtype an op does not accept, or an unknown dtype name. */
export class DTypeError extends WgError {}
/** A tensor used after dispose(), or scopes used in a way that would free the wrong tensors. */
export class DisposedError extends WgError {}
export class ScopeError extends WgError {}
/** Reading a graph tensor directly instead of through Session.run (graph mode). */
export class GraphModeError extends WgError {}
/** A tensor or dispatch beyond the device's granted limits; the message names the limit. */
export class LimitError extends WgError {}
/** What a ResourceExhaustedError measured: the allocation refused, the memory in use, the limit. */
export interface ExhaustedDetails extends ErrorDetails {
  /** Bytes the refused allocation would have added to the memory in use (the WebGPU pool's bucket size). */
  requestedBytes: number;
  /** Bytes in use on every device (as wg.memory().bytesInUse counts them) when it was refused. */
  bytesInUse: number;
  /** The limit set by wg.config.setMemoryLimit. */
  limit: number;
  /** Live tensors (wg.memory().tensors) when it was refused. */
  liveTensors: number;
}

/**
 * An allocation that would bring the memory in use over the limit set by wg.config.setMemoryLimit
 * (TensorFlow's ResourceExhaustedError, "OOM when allocating tensor"). Nothing was allocated for it.
 */
export class ResourceExhaustedError extends WgError {
  readonly requestedBytes: number;
  readonly bytesInUse: number;
  readonly limit: number;
  readonly liveTensors: number;

  // Like every WgError, constructible from a message alone (the figures are then NaN).
  constructor(message: string, details: Partial<ExhaustedDetails> = {}) {
    super(message, details);
    this.requestedBytes = details.requestedBytes ?? NaN;
    this.bytesInUse = details.bytesInUse ?? NaN;
    this.limit = details.limit ?? NaN;
    this.liveTensors = details.liveTensors ?? NaN;
  }
}
/** The WebGPU device was lost; tensors that lived on it are gone. */
export class DeviceLostError extends WgError {}
/** An unknown device name, or a device that is not available here. */
export class DeviceError extends WgError {}
/** A generated shader failed to compile or validate (an engine bug: the message carries the WGSL). */
export class ShaderError extends WgError {}
export class SerializationError extends WgError {}

export function formatLocation(l: SourceLocation): string {
  return `${l.file}:${l.line}:${l.column}`;
}

// ---- Where did the user call us from? ---------------------------------------------------------------
// A frame is "ours" if its URL starts with the engine's root: the engine/ folder when running from source
// (dev server, tests), or the bundle file itself (dist/wgflow.js), where every module shares one URL; or if
// it is in the package's bin/ (the command line calls the engine for its user, whose line is not there).

/** Stack frames print paths as URLs in browsers and as plain paths in Node: compare without `file://`. */
const plainPath = (f: string) => f.replace(/^file:\/\//, '');

const ENGINE_ROOT = (() => {
  const here = plainPath(import.meta.url);
  const m = /^(.*\/engine\/)core\/errors\.[tj]s(\?.*)?$/.exec(here);
  return m ? m[1] : here.replace(/[?#].*$/, '');
})();

/**
 * In a bundle (dist/wgflow.js, wgflow.node.js), the package's other entries beside it (wgflow-tfjs.js …) are
 * ours too: they call the core for their user, whose line is not in them.
 */
const SIBLING_ENTRY = /^(.*\/)wgflow(\.node)?\.js$/.exec(ENGINE_ROOT);
const isSiblingEntry = (file: string) => SIBLING_ENTRY !== null && file.startsWith(SIBLING_ENTRY[1]) && /^wgflow-[\w-]+(\.node)?\.js$/.test(file.slice(SIBLING_ENTRY[1].length));

/** The package's bin/ beside engine/ (sources) or dist/ (bundles); undefined where there is none (a page). */
const PACKAGE_BIN = /\/(engine\/|dist\/[^/]*)$/.test(ENGINE_ROOT) ? ENGINE_ROOT.replace(/(engine\/|dist\/[^/]*)$/, 'bin/') : undefined;

// Chrome/Node: "at fn (url:l:c)", "at url:l:c", "at async url:l:c"; Firefox/Safari: "fn@url:l:c".
const FRAME_RE = /(?:at\s+(?:async\s+)?(?:.*?\()?|@)(.*?):(\d+):(\d+)\)?\s*$/;

/** Parses a stack trace and returns the first frame outside the engine and the test/bundler runtime. */
export function userFrame(stack: string | undefined): SourceLocation | undefined {
  if (!stack) return undefined;
  for (const raw of stack.split('\n')) {
    const m = FRAME_RE.exec(raw.trim());
    if (!m) continue;
    const file = plainPath(m[1]);
    if (file.startsWith(ENGINE_ROOT) || isSiblingEntry(file) || (PACKAGE_BIN && file.startsWith(PACKAGE_BIN))) continue;
    if (/\/node_modules\/|^node:|^internal\//.test(file)) continue;
    return { file: shortFile(file), line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}

function shortFile(file: string): string {
  // Keep the path readable: drop origin and cache-busting queries from dev-server URLs.
  return file.replace(/^https?:\/\/[^/]+\//, '').replace(/\?.*$/, '');
}

/** The user's call site right now (costs a stack capture: only used on error paths and when recording). */
export function callerLocation(): SourceLocation | undefined {
  // V8 keeps 10 frames by default: a check a few calls deep inside the engine would lose the user's frame.
  // Most calls find it within SHALLOW frames, and a stack costs by its depth (recorded runs capture one per
  // op): try those first, then up to DEEP.
  const E = Error as { stackTraceLimit?: number };
  const limit = E.stackTraceLimit;
  if (typeof limit !== 'number') return userFrame(new Error().stack);
  try {
    E.stackTraceLimit = SHALLOW;
    const near = userFrame(new Error().stack);
    if (near) return near;
    E.stackTraceLimit = Math.max(limit, DEEP);
    return userFrame(new Error().stack);
  } finally {
    E.stackTraceLimit = limit;
  }
}
const SHALLOW = 12;
const DEEP = 64;
