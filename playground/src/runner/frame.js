// The sandboxed frame's runtime (inlined into the frame's srcdoc; plain JavaScript, no imports). The frame
// has an opaque origin: it gets the engine as module TEXT from the parent and imports it from a Blob URL,
// runs one snippet inside wg.record(() => wg.withMode(mode, …)), and reports everything by postMessage as
// plain data. A fresh frame is made for every run, so nothing survives from one run to the next; after a
// graph-mode run the parent keeps the frame until the next run, to save the graphs it computed on request.
// Modules: a snippet's imports were rewritten by the parent (runner/imports.ts) to `__import(name)`, a parameter
// of the snippet's function; 'wgflow/tfjs' comes as text too when the snippet imports it, and its import of
// './wgflow.js' is pointed at the engine's Blob URL (one engine). Models: `openedModel` (Open model…), and the
// site's sample models fetched through the parent (this frame's opaque origin cannot read them itself).

const post = (m, transfer = []) => parent.postMessage(m, '*', transfer);
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

function describeError(err, offset) {
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    name: e.name || 'Error',
    message: e.message,
    stack: String(e.stack || ''),
    position: snippetPosition(e, offset),
    op: typeof e.op === 'string' ? e.op : undefined,
  };
}

function text(v) {
  if (typeof v === 'string') return v;
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s;
  } catch {
    return String(v);
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

let started = false;
let runId;

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
      original(...args);
      if (level !== 'error' && fromEngine(args)) {
        post({ type: 'console', runId, level: 'engine', text: withoutWrapper(args.map(text).join(' ')) });
        return;
      }
      if (level !== 'error' && args.some((a) => a instanceof wg.Tensor)) {
        void wg.print(...args);
        return;
      }
      post({ type: 'console', runId, level, text: args.map(text).join(' ') });
    };
  }
  addEventListener('error', (e) => post({ type: 'error', runId, error: describeError(e.error ?? e.message, offset), phase: 'uncaught' }));
  addEventListener('unhandledrejection', (e) => post({ type: 'error', runId, error: describeError(e.reason, offset), phase: 'unhandled' }));

  globalThis.canvas = (a, b, c) => makeCanvas(wg, a, b, c);
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
  const t0 = performance.now();
  let memoryAtEnd;
  try {
    // The scope frees what the snippet made (so graph mode need not compute intermediates at the block's
    // end); memory is read just before, so leaks (tensors still alive) show.
    const { record } = await wg.record(() =>
      wg.withMode(
        mode,
        () =>
          wg.scope(async () => {
            await fn(wg, wg.print, importModule);
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
    if (msg.compareWith && typeof msg.compareWith === 'object') {
      try {
        comparison = mode === 'graph' ? wg.compareProfiles(msg.compareWith, record.profile) : wg.compareProfiles(record.profile, msg.compareWith);
      } catch {
        comparison = undefined;
      }
    }
    const graphs = mode === 'graph' ? planSummary() : undefined;
    post({ type: 'done', runId, ok: true, ms, mode, lineOffset: offset, record, chromeTrace, comparison, graphs, memory: { atEnd: memoryAtEnd, after: wg.memory() } });
  } catch (err) {
    releaseGraphs(); // a failed run has no record to pair them with
    await wg.flushPrints().catch(() => {});
    await sendImages(wg).catch(() => {});
    post({ type: 'error', runId, error: describeError(err, offset), phase: 'run' });
    post({ type: 'done', runId, ok: false, ms: performance.now() - t0, mode, lineOffset: offset, memory: { atEnd: memoryAtEnd, after: wg.memory() } });
  }
});

post({ type: 'ready' });
