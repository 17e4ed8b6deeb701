// The sandboxed frame's runtime (inlined into the frame's srcdoc; plain JavaScript, no imports). The frame
// has an opaque origin: it gets the engine as module TEXT from the parent and imports it from a Blob URL,
// runs one snippet inside wg.record(() => wg.withMode(mode, …)), and reports everything by postMessage as
// plain data. A fresh frame is made for every run, so nothing survives from one run to the next; after a
// graph-mode run the parent keeps the frame until the next run, to save the graphs it computed on request.
// Modules: a snippet's imports were rewritten by the parent (runner/imports.ts) to `__import(name)`, a parameter
// of the snippet's function; 'wgflow/tfjs' comes as text too when the snippet imports it, and its import of
// './wgflow.js' is pointed at the engine's Blob URL (one engine). Models: `openedModel` (Open model…), and the
// site's sample models fetched through the parent (this frame's opaque origin cannot read them itself).

const send = (m, transfer = []) => parent.postMessage(m, '*', transfer);
/** Every message but the output lines: the lines printed before it go first (errors and images keep their place). */
const post = (m, transfer = []) => {
  flushOutput();
  flushReports();
  send(m, transfer);
};
const AsyncFunction = (async () => {}).constructor;

/** Lines the Function wrapper adds before the body (V8 puts the parameters on their own lines). */
function wrapperLines() {
  return new Promise((resolve) => {
    new AsyncFunction('wg', 'print', '__import', 'throw new Error("probe")\n//# sourceURL=probe.js')().catch((e) => {
      const m = /probe\.js:(\d+):\d+/.exec(String(e && e.stack));
      resolve(m ? Number(m[1]) - 1 : 2);
    });
  });
}

/** Position of the snippet's frame in an error's stack (lines relative to the emitted JavaScript). */
function snippetPosition(err, offset) {
  const loc = err && err.location;
  if (loc && typeof loc.file === 'string' && loc.file.endsWith('snippet.js')) return { line: loc.line - offset, column: loc.column };
  const m = /snippet\.js:(\d+):(\d+)/.exec(String(err && err.stack));
  return m ? { line: Number(m[1]) - offset, column: Number(m[2]) } : undefined;
}

/** Anything as a string, never throwing (a thrown object may have no toString, or one that throws). */
function safeString(v) {
  try {
    return String(v);
  } catch {
    try {
      return Object.prototype.toString.call(v);
    } catch {
      return '(a value that cannot be shown)';
    }
  }
}

const cut = (s, max = LINE_CHARS) => (s.length > max ? `${s.slice(0, max)}… (cut: ${s.length} characters)` : s);

/** What the parent is told of an error (or of any thrown value: a snippet may throw a string, an object, null). */
function describeError(err, offset) {
  try {
    const e = err instanceof Error ? err : new Error(safeString(err));
    return {
      name: cut(safeString(e.name || 'Error'), 200),
      message: cut(safeString(e.message)),
      stack: cut(safeString(e.stack || '')),
      position: snippetPosition(e, offset),
      op: typeof e.op === 'string' ? e.op : undefined,
    };
  } catch {
    return { name: 'Error', message: '(an error that cannot be shown)', stack: '' };
  }
}

function text(v) {
  if (typeof v === 'string') return v;
  try {
    if (v instanceof Error) return `${safeString(v.name)}: ${safeString(v.message)}`;
    const s = JSON.stringify(v);
    return s === undefined ? safeString(v) : s;
  } catch {
    return safeString(v);
  }
}

// Graph mode: the graphs the run's readbacks computed (withMode's onGraph), one per distinct plan (the
// first readback of each structure; the engine's plan cache keys its plans the same way, and the run record
// lists each plan once), so the parent can pair them with record.graphs. At most MAX_KEPT are kept.
const MAX_KEPT = 16;
const MAX_PLANS = 1000;
const plans = [];
const planIndex = new Map();
let plansComplete = true;
let keptCount = 0;

/** The lazy plan cache's key of an exported graph: its nodes (captures stand where placeholders were) and outputs. */
function planKey(g) {
  const outputs = [...g.outputs.values()].map((t) => [t.graph.node, t.graph.output]);
  return JSON.stringify(g.nodes.map((n) => [n.op, n.args, n.outputs, n.requested ?? null])) + JSON.stringify(outputs);
}

function onGraph(g) {
  let key;
  try {
    key = planKey(g);
  } catch {
    plansComplete = false;
  }
  const seen = key === undefined ? undefined : planIndex.get(key);
  if (seen !== undefined) plans[seen].runs++;
  else if (key !== undefined && plans.length < MAX_PLANS) {
    const keep = keptCount < MAX_KEPT;
    planIndex.set(key, plans.length);
    // The ops by node id let the parent check the pairing against the record's nodes.
    plans.push({ runs: 1, graph: keep ? g : undefined, ops: keep ? g.nodes.map((n) => (n.op === 'capture' ? 'placeholder' : n.op)) : [] });
    if (keep) {
      keptCount++;
      return;
    }
  } else plansComplete = false;
  g.dispose();
}

function releaseGraphs() {
  for (const p of plans) p.graph?.dispose();
  plans.length = 0;
  planIndex.clear();
  keptCount = 0;
}

/** What the parent needs to pair the plans with record.graphs, and to know which it can ask to save. */
const planSummary = () => ({ complete: plansComplete, plans: plans.map((p) => ({ runs: p.runs, kept: p.graph !== undefined, ops: p.ops })) });

async function saveGraph(msg) {
  const p = Number.isInteger(msg.plan) ? plans[msg.plan] : undefined;
  try {
    if (!p || !p.graph) throw new Error(`graph ${msg.plan} is not kept`);
    post({ type: 'saved', runId: msg.runId, requestId: msg.requestId, json: await p.graph.save() });
  } catch (err) {
    post({ type: 'saved', runId: msg.runId, requestId: msg.requestId, error: err instanceof Error ? err.message : String(err) });
  }
}

// Images: `canvas(width?, height?, label?)` (a global of the snippet, so a snippet may still name its own
// variable `canvas`) makes a canvas that the Output panel shows. Its place among the output lines is where it
// was made (after the prints issued before it); its pixels are read once, as they are when the snippet ends
// (so a snippet awaits its `wg.browser.toPixels` calls, as it must anyway to see their bytes), even when it
// failed, and go to the parent as RGBA bytes. The limits are the parent's (runner/validate.ts).
const MAX_IMAGES = 32;
const MAX_IMAGE_SIDE = 4096;
const MAX_IMAGE_PIXELS = 1 << 22;
const shown = [];
const slotsPosted = [];

function makeCanvas(wg, a, b, c) {
  const sized = typeof a === 'number' || typeof b === 'number';
  const label = sized ? c : a;
  if (label !== undefined && typeof label !== 'string') throw new TypeError(`canvas(): the label must be a string, got ${typeof label}`);
  const side = (v, name) => {
    if (!Number.isInteger(v) || v < 1 || v > MAX_IMAGE_SIDE) throw new RangeError(`canvas(width, height, label?): ${name} must be an integer from 1 to ${MAX_IMAGE_SIDE}, got ${text(v)}`);
    return v;
  };
  const width = sized ? side(a, 'width') : 300;
  const height = sized ? side(b, 'height') : 150;
  if (width * height > MAX_IMAGE_PIXELS) throw new RangeError(`canvas(${width}, ${height}): at most ${MAX_IMAGE_PIXELS} pixels can be shown`);
  if (shown.length >= MAX_IMAGES) throw new RangeError(`canvas(): a run can show at most ${MAX_IMAGES} images`);
  const el = document.createElement('canvas');
  el.width = width;
  el.height = height;
  const id = shown.length;
  const name = (label ?? '').trim().slice(0, 200) || `canvas ${id + 1}`;
  shown.push({ id, canvas: el, label: name });
  // After the prints issued so far (print keeps its own order), so the image sits among them in order.
  slotsPosted.push(wg.flushPrints().then(() => post({ type: 'image', runId, id, label: name })));
  return el;
}

/** One shown canvas's pixels as RGBA bytes (any context: 2D directly, others through an ImageBitmap). */
async function readImage(el) {
  const { width, height } = el;
  if (!width || !height) return { error: `it is empty (${width}×${height})` };
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS)
    return { error: `it is too large to show (${width}×${height}; at most ${MAX_IMAGE_SIDE} a side and ${MAX_IMAGE_PIXELS} pixels)` };
  let ctx = el.getContext('2d');
  if (!ctx) {
    const bitmap = await createImageBitmap(el);
    ctx = new OffscreenCanvas(width, height).getContext('2d');
    ctx.drawImage(bitmap, 0, 0);
    bitmap.close();
  }
  return { width, height, data: ctx.getImageData(0, 0, width, height).data };
}

/** Sends every shown canvas's pixels (in the order they were made), once the snippet's drawing is done. */
async function sendImages(wg) {
  if (shown.length === 0) return;
  await wg.flushPrints().catch(() => {});
  await Promise.all(slotsPosted);
  for (const s of shown) {
    let image;
    try {
      image = await readImage(s.canvas);
    } catch (err) {
      image = { error: `it could not be read (${err instanceof Error ? err.message : String(err)})` };
    }
    if (image.data) post({ type: 'pixels', runId, id: s.id, width: image.width, height: image.height, data: image.data }, [image.data.buffer]);
    else post({ type: 'pixels', runId, id: s.id, error: image.error });
  }
}

/**
 * The default memory budget of a run (README, "Hostile snippets"): the largest buffer the device
 * grants (WebGPU reports no total; this is its own measure of what it can hold), and at most a quarter of
 * the machine's memory as the browser reports it (navigator.deviceMemory, rounded by the browser: 16 in
 * Chromium 156 on a 23 GiB machine; 4 GiB when it says nothing), since a software or integrated GPU's
 * buffers are system memory. SwiftShader here: min(1 GiB, 4 GiB) = 1 GiB.
 */
function defaultBudget(wg) {
  const limits = wg.backendInfo().limits || {};
  const largest = typeof limits.maxBufferSize === 'number' ? limits.maxBufferSize : 256 << 20;
  const machine = (typeof navigator.deviceMemory === 'number' && navigator.deviceMemory > 0 ? navigator.deviceMemory : 4) * 2 ** 30;
  return Math.min(largest, machine / 4);
}

let started = false;
let runId;

/**
 * The frame's pulse (runner/host.ts): a worker beats on the parent's port, so the parent can tell a frame whose
 * process died (the beats stop) from one that is busy (a snippet that never yields blocks this thread, not the
 * worker's). Without workers there is no pulse, and the parent never decides the frame died.
 */
function startPulse(port) {
  if (!port) return;
  try {
    const src = 'onmessage = (e) => { const p = e.ports[0]; p.postMessage(0); setInterval(() => p.postMessage(0), 250); };';
    const worker = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
    worker.postMessage(null, [port]);
  } catch {
    /* no pulse */
  }
}

// ---- output: batched, and bounded however fast the snippet prints ----
// Lines (print, console.*, the engine's own) are sent in batches: when BATCH_LINES or BATCH_CHARS are
// waiting, or FLUSH_MS after the first one waits, and before any other message (so errors and images keep
// their place among the lines). A line longer than LINE_CHARS is cut (its full length goes with it). Once
// SEND_LINES or SEND_CHARS have been sent (the page's download keeps as much: runner/output_log.ts), only the
// newest TAIL_LINES are kept between flushes, and the others are counted (`skipped`); those flush on the
// timer only, so a loop that prints without end sends at most TAIL_LINES per FLUSH_MS.
const BATCH_LINES = 500;
const BATCH_CHARS = 1 << 20;
const FLUSH_MS = 100;
const LINE_CHARS = 256 * 1024;
const SEND_LINES = 250_000;
const SEND_CHARS = 8 << 20;
const TAIL_LINES = 1000;
/** The first lines are echoed to the frame's own console too (DevTools); the rest are not, to bound its cost. */
const ECHO_LINES = 1000;
let pending = [];
let pendingChars = 0;
let sentLines = 0;
let sentChars = 0;
let skipped = 0;
let flushTimer;
let echoed = 0;

function flushOutput() {
  if (flushTimer !== undefined) clearTimeout(flushTimer);
  flushTimer = undefined;
  if (pending.length === 0 && skipped === 0) return;
  send({ type: 'output', runId, lines: pending, skipped });
  for (const l of pending) sentChars += l.text.length;
  sentLines += pending.length;
  pending = [];
  pendingChars = 0;
  skipped = 0;
}

function emit(level, s) {
  const line = s.length > LINE_CHARS ? { level, text: s.slice(0, LINE_CHARS), length: s.length } : { level, text: s };
  pending.push(line);
  pendingChars += line.text.length;
  if (sentLines >= SEND_LINES || sentChars >= SEND_CHARS) {
    // Past the caps: keep the newest lines only, and send them on the timer.
    if (pending.length > 2 * TAIL_LINES) {
      skipped += pending.length - TAIL_LINES;
      pending = pending.slice(-TAIL_LINES);
    }
  } else if (pending.length >= BATCH_LINES || pendingChars >= BATCH_CHARS || sentLines + pending.length >= SEND_LINES) {
    flushOutput();
    return;
  }
  flushTimer ??= setTimeout(flushOutput, FLUSH_MS);
}

// ---- report(): training progress for the page's live chart ----
// `report({ step, loss, accuracy, stepMs, tensors })` (a global of the snippet) sends one point of a training
// run to the parent, which draws the loss and accuracy as they come and keeps the step time of each mode
// (panels/TrainChart.tsx). Points are batched like the output (sent every REPORT_MS, and before any other
// message), only the known numeric fields are kept, and a run sends at most MAX_REPORTS points (later ones are
// counted as dropped): a loop that reports without end stays bounded.
const REPORT_FIELDS = ['step', 'loss', 'accuracy', 'stepMs', 'tensors'];
const MAX_REPORTS = 20_000;
const REPORT_MS = 100;
let reports = [];
let reportsSent = 0;
let reportsDropped = 0;
let reportTimer;

function flushReports() {
  if (reportTimer !== undefined) clearTimeout(reportTimer);
  reportTimer = undefined;
  if (reports.length === 0 && reportsDropped === 0) return;
  send({ type: 'report', runId, points: reports, dropped: reportsDropped });
  reports = [];
  reportsDropped = 0;
}

function report(point) {
  if (!point || typeof point !== 'object') throw new TypeError(`report({ step, loss, accuracy?, stepMs?, tensors? }): expected an object, got ${text(point)}`);
  const out = {};
  for (const k of REPORT_FIELDS) {
    const v = point[k];
    if (v === undefined) continue;
    if (typeof v !== 'number') throw new TypeError(`report(): ${k} must be a number, got ${typeof v}`);
    out[k] = v;
  }
  if (typeof out.step !== 'number' || !Number.isFinite(out.step)) throw new TypeError('report(): step must be a finite number (the training step the point belongs to)');
  if (reportsSent >= MAX_REPORTS) {
    reportsDropped++;
  } else {
    reports.push(out);
    reportsSent++;
  }
  reportTimer ??= setTimeout(flushReports, REPORT_MS);
}

// ---- fetch through the parent: the site's sample models (models/…) ----
let nextFetch = 1;
const fetches = new Map();
const realFetch = globalThis.fetch.bind(globalThis);

/** fetch, except that URLs on the parent's origin (relative ones resolve against the parent's page) are asked of the parent. */
function installFetch(base) {
  let origin;
  try {
    origin = new URL(base).origin;
  } catch {
    return;
  }
  globalThis.fetch = (input, init) => {
    const raw = typeof input === 'string' ? input : input instanceof URL ? input.href : input && input.url;
    let url;
    try {
      url = new URL(raw, base);
    } catch {
      return realFetch(input, init);
    }
    if (url.origin !== origin) return realFetch(input, init);
    const requestId = nextFetch++;
    return new Promise((resolve, reject) => {
      fetches.set(requestId, { resolve, reject, url: url.href });
      post({ type: 'fetch', runId, requestId, url: url.href });
    });
  };
}

function fetched(msg) {
  const f = fetches.get(msg.requestId);
  if (!f) return;
  fetches.delete(msg.requestId);
  if (typeof msg.error === 'string') f.reject(new TypeError(`fetch ${f.url}: ${msg.error}`));
  else f.resolve(new Response(msg.body ?? null, { status: msg.status || 200, statusText: msg.statusText || '' }));
}

/** `openedModel`: what Open model… opened, or an error saying to open one. */
function installOpenedModel(model) {
  Object.defineProperty(globalThis, 'openedModel', {
    configurable: true,
    get() {
      if (!model) throw new ReferenceError('openedModel: no model is open. Open one with "Open model…" in the toolbar (files, a URL or a sample), then run again.');
      return model;
    },
  });
}

addEventListener('message', async (event) => {
  if (event.source !== parent) return;
  const msg = event.data;
  if (!msg || typeof msg !== 'object') return;
  if (msg.type === 'save' && started && msg.runId === runId) return saveGraph(msg);
  if (msg.type === 'fetched' && started && msg.runId === runId) return fetched(msg);
  if (msg.type === 'release' && started && msg.runId === runId) {
    releaseGraphs();
    post({ type: 'released', runId });
    return;
  }
  if (msg.type !== 'run' || started) return;
  started = true;
  runId = msg.runId;
  startPulse(event.ports[0]);
  const offset = await wrapperLines();
  let wg;
  const modules = {};
  try {
    const url = URL.createObjectURL(new Blob([msg.lib], { type: 'text/javascript' }));
    wg = await import(url);
    modules.wgflow = wg;
    if (typeof msg.tfjs === 'string') {
      // The importer imports the engine as './wgflow.js' (beside it in dist/): here, the engine's Blob URL.
      const text = msg.tfjs.replace(/(["'])\.\/wgflow\.js\1/g, JSON.stringify(url));
      modules['wgflow/tfjs'] = await import(URL.createObjectURL(new Blob([text], { type: 'text/javascript' })));
    }
    await wg.ready();
  } catch (err) {
    post({ type: 'error', runId, error: describeError(err, offset), phase: 'load' });
    post({ type: 'done', runId, ok: false, ms: 0 });
    return;
  }
  post({ type: 'backend', runId, info: wg.backendInfo() });
  // Chromium hands a frame's messages to its parent from the frame's own event loop: yield once so the
  // message above leaves before the snippet starts (a snippet that never yields would hold it back).
  await new Promise((resolve) => setTimeout(resolve, 0));

  // Console output goes to the parent (and to the frame's own console). Tensors print like wg.print. The
  // engine's own lines ("wgflow: placed add on cpu (at snippet.js:12:3)", from wg.config.logDevicePlacement
  // and soft placement) are level 'engine', shown dim; their positions lose the wrapper's lines, so that the
  // parent can map them to the snippet as it does errors.
  const fromEngine = (args) => typeof args[0] === 'string' && args[0].startsWith('wgflow:');
  const withoutWrapper = (s) => s.replace(/snippet\.js:(\d+):(\d+)/g, (_, line, column) => `snippet.js:${Number(line) - offset}:${column}`);
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    const original = console[level].bind(console);
    console[level] = (...args) => {
      if (echoed < ECHO_LINES) {
        original(...args);
        if (++echoed === ECHO_LINES) original(`wgflow playground: the run's further output is shown in the Output panel only (not echoed here)`);
      }
      if (level !== 'error' && fromEngine(args)) {
        emit('engine', withoutWrapper(args.map(text).join(' ')));
        return;
      }
      if (level !== 'error' && args.some((a) => a instanceof wg.Tensor)) {
        void wg.print(...args);
        return;
      }
      emit(level, args.map(text).join(' '));
    };
  }
  // Reported in the Output; preventDefault keeps them from surfacing as the page's errors too.
  addEventListener('error', (e) => {
    e.preventDefault();
    post({ type: 'error', runId, error: describeError(e.error ?? e.message, offset), phase: 'uncaught' });
  });
  addEventListener('unhandledrejection', (e) => {
    e.preventDefault();
    post({ type: 'error', runId, error: describeError(e.reason, offset), phase: 'unhandled' });
  });

  globalThis.canvas = (a, b, c) => makeCanvas(wg, a, b, c);
  globalThis.report = report;
  if (typeof msg.base === 'string') installFetch(msg.base);
  installOpenedModel(msg.model && typeof msg.model === 'object' ? msg.model : undefined);
  const importModule = (name) => {
    if (name in modules) return modules[name];
    throw new Error(`'${name}' was not loaded into this run`);
  };
  let fn;
  try {
    fn = new AsyncFunction('wg', 'print', '__import', `${msg.code}\n//# sourceURL=snippet.js`);
  } catch (err) {
    post({ type: 'error', runId, error: describeError(err, offset), phase: 'compile' });
    post({ type: 'done', runId, ok: false, ms: 0 });
    return;
  }
  const mode = msg.mode === 'graph' ? 'graph' : 'eager';
  wg.config.runFunctionsEagerly(mode === 'eager');
  // The run's memory budget (the parent's setting): allocations past it throw ResourceExhaustedError.
  wg.config.setMemoryLimit(typeof msg.memoryBudget === 'number' && msg.memoryBudget > 0 ? msg.memoryBudget : defaultBudget(wg));
  const t0 = performance.now();
  let memoryAtEnd;
  let memoryAtError;
  try {
    // The scope frees what the snippet made (so graph mode need not compute intermediates at the block's
    // end); memory is read just before, so leaks (tensors still alive) show.
    const { record } = await wg.record(() =>
      wg.withMode(
        mode,
        () =>
          wg.scope(async () => {
            try {
              await fn(wg, wg.print, importModule);
            } catch (err) {
              memoryAtError = wg.memory(); // before the scope frees what the snippet made
              throw err;
            }
            memoryAtEnd = wg.memory();
          }),
        {
          optimizations: msg.optimizations && typeof msg.optimizations === 'object' ? msg.optimizations : {},
          ...(mode === 'graph' ? { onGraph } : {}),
        },
      ),
    );
    await wg.flushPrints();
    const ms = performance.now() - t0;
    await sendImages(wg);
    // Derived views the parent cannot compute without the engine: the Chrome trace of this run, and its
    // comparison with the other mode's profile when the parent sent one.
    const chromeTrace = wg.toChromeTrace(record.profile);
    let comparison;
    if (msg.compareWith && (typeof msg.compareWith === 'object' || typeof msg.compareWith === 'string')) {
      try {
        // As JSON text (like the record sent back below): one string crosses postMessage far faster than the
        // ~100,000 small objects of a long run's profile (a training run's: 22 s → 1 s here).
        const other = typeof msg.compareWith === 'string' ? JSON.parse(msg.compareWith) : msg.compareWith;
        comparison = mode === 'graph' ? wg.compareProfiles(other, record.profile) : wg.compareProfiles(record.profile, other);
      } catch {
        comparison = undefined;
      }
    }
    const graphs = mode === 'graph' ? planSummary() : undefined;
    // The record and the trace go as JSON text: the parent parses and validates them (runner/host.ts). A long
    // run's record (a training loop: ~50,000 kernels and ops) took 22 s to cross as objects, 1 s as text.
    post({ type: 'done', runId, ok: true, ms, mode, lineOffset: offset, record: JSON.stringify(record), chromeTrace: JSON.stringify(chromeTrace), comparison, graphs, memory: { atEnd: memoryAtEnd, after: wg.memory(), budget: wg.config.memoryLimit() } });
  } catch (err) {
    releaseGraphs(); // a failed run has no record to pair them with
    await wg.flushPrints().catch(() => {});
    await sendImages(wg).catch(() => {});
    post({ type: 'error', runId, error: describeError(err, offset), phase: 'run' });
    post({ type: 'done', runId, ok: false, ms: performance.now() - t0, mode, lineOffset: offset, memory: { atEnd: memoryAtEnd, atError: memoryAtError, after: wg.memory(), budget: wg.config.memoryLimit() } });
  }
});

post({ type: 'ready' });
