// The sandboxed frame's runtime (inlined into the frame's srcdoc; plain JavaScript, no imports). The frame
// has an opaque origin: it gets the engine as module TEXT from the parent and imports it from a Blob URL,
// runs one snippet inside wg.record(() => wg.withMode(mode, …)), and reports everything by postMessage as
// plain data. A fresh frame is made for every run, so nothing survives from one run to the next.

const post = (m) => parent.postMessage(m, '*');
const AsyncFunction = (async () => {}).constructor;

/** Lines the Function wrapper adds before the body (V8 puts the parameters on their own lines). */
function wrapperLines() {
  return new Promise((resolve) => {
    new AsyncFunction('wg', 'print', 'throw new Error("probe")\n//# sourceURL=probe.js')().catch((e) => {
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

let started = false;

addEventListener('message', async (event) => {
  if (event.source !== parent) return;
  const msg = event.data;
  if (!msg || msg.type !== 'run' || started) return;
  started = true;
  const runId = msg.runId;
  const offset = await wrapperLines();
  let wg;
  try {
    const url = URL.createObjectURL(new Blob([msg.lib], { type: 'text/javascript' }));
    wg = await import(url);
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

  let fn;
  try {
    fn = new AsyncFunction('wg', 'print', `${msg.code}\n//# sourceURL=snippet.js`);
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
            await fn(wg, wg.print);
            memoryAtEnd = wg.memory();
          }),
        { optimizations: msg.optimizations && typeof msg.optimizations === 'object' ? msg.optimizations : {} },
      ),
    );
    await wg.flushPrints();
    const ms = performance.now() - t0;
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
    post({ type: 'done', runId, ok: true, ms, mode, lineOffset: offset, record, chromeTrace, comparison, memory: { atEnd: memoryAtEnd, after: wg.memory() } });
  } catch (err) {
    await wg.flushPrints().catch(() => {});
    post({ type: 'error', runId, error: describeError(err, offset), phase: 'run' });
    post({ type: 'done', runId, ok: false, ms: performance.now() - t0, mode, lineOffset: offset, memory: { atEnd: memoryAtEnd, after: wg.memory() } });
  }
});

post({ type: 'ready' });
