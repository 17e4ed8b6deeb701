// The playground: an editor, a Run/Stop/Compare toolbar with the eager ⇄ graph toggle, and the panels that
// show what a run did. Runs happen in a fresh sandboxed frame each (runner/host.ts); this component owns the
// state: the code (autosaved), the mode, and the last run of each mode.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Group, Panel, Separator } from 'react-resizable-panels';
import { Editor, type EditorHandle } from './editor/Editor';
import { DEFAULT_EXAMPLE, EXAMPLES } from './examples';
import { engineLine, mapEmitted, normalizeComparison, normalizeRecord } from './positions';
import { OpenModelDialog } from './model/OpenModel';
import { modelSnippet, type ModelChoice } from './model/snippet';
import { Runner, type BackendSummary, type Mode, type OpenedModel, type RunError, type RunResult, type TrainPoint } from './runner/host';
import { budgetBytes } from './runner/budget';
import { resolveImports } from './runner/imports';
import { decodeShare, encodeShare, ShareError } from './share';
import type { Profile } from './runner/validate';
import { ComparePanel } from './panels/Compare';
import { GraphPanel } from './panels/graph/GraphPanel';
import { KernelsPanel } from './panels/Kernels';
import { LearnPanel } from './panels/Learn';
import { MemoryPanel } from './panels/Memory';
import { OptimisationsPanel } from './panels/Optimisations';
import { useNow } from './panels/common';
import { imageText, OutputPanel } from './panels/Output';
import { OutputLog, type OutputLine } from './runner/output_log';
import { TimingsPanel } from './panels/Timings';
import type { GraphSaver, PanelProps } from './panels/types';

const STORE_CODE = 'wgflow.playground.code';
const STORE_MODE = 'wgflow.playground.mode';
/** How often a running snippet's output reaches the screen (a burst of batches renders once). */
const PUBLISH_MS = 50;

/** One run of the snippet in one mode, as the panels show it. */
export interface RunView {
  mode: Mode;
  code: string;
  /** What the Output panel shows (bounded: the first and last lines of `log`, and a marker between). */
  lines: OutputLine[];
  /** The whole output as this page keeps it (bounded: runner/output_log.ts); Download reads its text. */
  log: OutputLog;
  errors: (RunError & { line?: number; column?: number })[];
  result?: RunResult;
  /** The run's profile as the engine reported it (positions not yet mapped): what compareProfiles pairs. */
  rawProfile?: Profile;
  state: 'running' | 'done' | 'failed' | 'stopped';
  startedAt: number;
  /** Training points the snippet reported (report()), in order: the Output panel's live chart. */
  points: TrainPoint[];
  /** Points the frame did not send (past its cap of 20,000 a run). */
  droppedPoints: number;
}

const TABS = [
  ['output', 'Output'],
  ['compare', 'Compare'],
  ['graph', 'Graph'],
  ['timings', 'Timings'],
  ['kernels', 'Kernels'],
  ['memory', 'Memory'],
  ['optimisations', 'Optimisations'],
  ['learn', 'Learn'],
] as const;
type Tab = (typeof TABS)[number][0];

function loadStored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
function store(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    /* storage may be unavailable (private mode); autosave is best effort */
  }
}

export function App() {
  const editor = useRef<EditorHandle>(null);
  const runner = useMemo(() => new Runner(), []);
  const [initial] = useState(() => loadStored(STORE_CODE) ?? DEFAULT_EXAMPLE.code);
  const [mode, setMode] = useState<Mode>(() => (loadStored(STORE_MODE) === 'graph' ? 'graph' : 'eager'));
  const [runs, setRuns] = useState<{ eager?: RunView; graph?: RunView }>({});
  const [current, setCurrent] = useState<RunView | undefined>();
  const [tab, setTab] = useState<Tab>('output');
  const [banner, setBanner] = useState<{ kind: 'info' | 'warn'; text: string } | undefined>();
  const [backend, setBackend] = useState<BackendSummary | undefined>();
  const [editorReady, setEditorReady] = useState(false);
  const [shareUrl, setShareUrl] = useState<string | undefined>();
  const [showKeys, setShowKeys] = useState(false);
  /** Passes switched off in the Optimisations panel (graph mode); every other pass stays on. */
  const [optimizations, setOptimizations] = useState<Record<string, boolean>>({});
  /** The model Open model… read (files or a URL): posted with every run whose snippet uses `openedModel`. */
  const opened = useRef<OpenedModel | undefined>(undefined);
  const [showOpen, setShowOpen] = useState(false);
  const running = current?.state === 'running';
  // Ticks the elapsed time while a run is going.
  const now = useNow(running);

  // A share link in the URL: restore its code and mode, but never run it until the user presses Run.
  useEffect(() => {
    decodeShare(location.hash)
      .then((shared) => {
        if (!shared) return;
        editor.current?.setValue(shared.code);
        setMode(shared.mode);
        store(STORE_CODE, shared.code);
        setBanner({ kind: 'info', text: 'This snippet came from a share link. It has not run: read it, then press Run.' });
      })
      .catch((e) => {
        editor.current?.setValue(DEFAULT_EXAMPLE.code);
        setBanner({ kind: 'warn', text: `This share link could not be opened: ${e instanceof ShareError ? e.message : 'it is damaged'}. Here is the default example instead.` });
      });
  }, []);

  useEffect(() => store(STORE_MODE, mode), [mode]);

  /** Runs the editor's snippet in one mode; resolves with the finished view. */
  const runOnce = useCallback(
    async (m: Mode, compareWith?: RunView, passes: Record<string, boolean> = optimizations): Promise<RunView> => {
      const code = editor.current?.getValue() ?? '';
      const stopped = runner.ticket(); // Stop pressed while the snippet compiles stops this run too
      // Saved before every run: a snippet that takes the page down loses nothing (reloading restores both).
      store(STORE_CODE, code);
      store(STORE_MODE, m);
      const log = new OutputLog();
      const view: RunView = { mode: m, code, lines: [], log, errors: [], state: 'running', startedAt: performance.now(), points: [], droppedPoints: 0 };
      let timer: ReturnType<typeof setTimeout> | undefined;
      /** Shows the run's state now, or (soon: at most every PUBLISH_MS while output streams in). */
      const publish = (soon = false) => {
        if (soon) {
          timer ??= setTimeout(() => publish(), PUBLISH_MS);
          return;
        }
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
        const copy = { ...view, lines: log.lines(), errors: [...view.errors], points: [...view.points] };
        setCurrent(copy);
        setRuns((r) => ({ ...r, [m]: copy }));
      };
      publish();
      editor.current?.setRunMarker(undefined);
      const failed = (e: unknown, phase: 'compile' | 'load', what: string): RunView => {
        view.errors.push({ name: 'Error', message: String(e), stack: '', phase });
        log.push({ level: 'error', text: `${what}: ${e instanceof Error ? e.message : String(e)}` });
        view.state = 'failed';
        publish();
        return view;
      };
      let emitted;
      let resolved;
      try {
        emitted = await editor.current!.emit();
        // import … from 'wgflow' | 'wgflow/tfjs' → the modules the frame is given.
        resolved = resolveImports(emitted.js);
      } catch (e) {
        return failed(e, 'compile', 'The snippet could not be compiled');
      }
      const result = await runner.run(
        resolved.code,
        m,
        {
          onOutput: (lines, skipped) => {
            log.skip(skipped);
            for (const l of lines) log.push(l.level === 'engine' ? engineLine(l.text, emitted.map) : l);
            publish(true);
          },
          onError: (raw) => {
            const p = raw.position ? mapEmitted(emitted.map, raw.position) : undefined;
            // The engine appends the position it saw (in the emitted code); the link below gives the snippet's.
            // (An error thrown inside wgflow/tfjs may name a place in that module, a blob: URL in the frame: dropped too.)
            const err = p ? { ...raw, message: raw.message.replace(/ \(at [^()]*(?:snippet\.js|blob:[^()]*):\d+:\d+\)$/, '') } : raw;
            const e = { ...err, line: p?.line, column: p?.column };
            view.errors.push(e);
            log.push({ level: 'error', text: `${err.name}: ${err.message}`, line: p?.line, column: p?.column });
            if (p) editor.current?.setRunMarker({ line: p.line, column: p.column, message: `${err.name}: ${err.message}` });
            publish();
          },
          onBackend: setBackend,
          onReport: (points, dropped) => {
            view.points.push(...points);
            view.droppedPoints += dropped;
            publish(true);
          },
          // An image takes its place among the lines when the snippet makes its canvas; its pixels come when the snippet ends.
          onImage: (slot) => {
            const image = { id: slot.id, label: slot.label };
            log.push({ level: 'image', text: imageText(image), image });
            publish(true);
          },
          onImagePixels: (p) => {
            log.update(
              (l) => l.image?.id === p.id,
              (l) => {
                const image = { ...l.image!, ...('data' in p ? { pixels: new ImageData(p.data, p.width, p.height) } : { error: p.error }) };
                return { ...l, text: imageText(image), image };
              },
            );
            publish(true);
          },
        },
        {
          optimizations: passes,
          compareWith: compareWith?.rawProfile,
          modules: resolved.modules,
          model: /\bopenedModel\b/.test(resolved.code) ? opened.current : undefined,
          memoryBudget: budgetBytes(),
          stopped,
        },
      ).catch((e: unknown) => e as Error);
      // The engine itself could not be loaded (network, a missing wgflow.js): say so; the next Run retries.
      if (result instanceof Error) return failed(result, 'load', 'The run could not start');
      view.rawProfile = result.record?.profile;
      if (result.record) result.record = normalizeRecord(result.record, result.lineOffset, emitted.map);
      if (result.comparison) result.comparison = normalizeComparison(result.comparison, result.lineOffset, emitted.map);
      view.result = result;
      view.state = result.stopped ? 'stopped' : result.ok ? 'done' : 'failed';
      // Images whose pixels never came (a stopped run, a frame that broke off) say so instead of "drawing…".
      log.updateAll((l) => {
        if (!l.image || l.image.pixels || l.image.error) return l;
        const image = { ...l.image, error: result.stopped ? 'the run was stopped' : 'its pixels never came' };
        return { ...l, text: imageText(image), image };
      });
      if (result.stopped) log.push({ level: 'system', text: 'Stopped.' });
      publish();
      return view;
    },
    [runner, optimizations],
  );

  const run = useCallback(async () => {
    if (!editorReady) return;
    setBanner((b) => (b?.kind === 'info' ? undefined : b));
    setTab((t) => (t === 'compare' ? 'output' : t));
    await runOnce(mode);
  }, [editorReady, mode, runOnce]);

  /** Runs both modes; the Compare tab shows them unless another tab (Timings) asked for the comparison. */
  const compare = useCallback(async (stay = false) => {
    if (!editorReady) return;
    setBanner((b) => (b?.kind === 'info' ? undefined : b));
    if (!stay) setTab('compare');
    const e = await runOnce('eager');
    if (e.state === 'stopped') return;
    await runOnce('graph', e);
  }, [editorReady, runOnce]);

  const stop = useCallback(() => runner.stop(), [runner]);

  const share = useCallback(async () => {
    const code = editor.current?.getValue() ?? '';
    const hash = await encodeShare({ code, mode });
    const url = `${location.origin}${location.pathname}${hash}`;
    history.replaceState(null, '', hash);
    setShareUrl(url);
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      /* the URL is shown for copying by hand */
    }
  }, [mode]);

  const openExample = useCallback(
    (id: string) => {
      const ex = EXAMPLES.find((e) => e.id === id);
      if (!ex) return;
      editor.current?.setValue(ex.code);
      store(STORE_CODE, ex.code);
      setBanner(undefined);
      history.replaceState(null, '', location.pathname);
      // Built-in examples may run when opened.
      void runOnce(mode);
    },
    [mode, runOnce],
  );

  // Ctrl/Cmd+Enter anywhere on the page (the editor has its own binding too); Escape stops.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
        e.preventDefault();
        void run();
      } else if (e.key === 'Escape' && running) stop();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [run, stop, running]);

  /** Opens a snippet (from the Learn panel) in a mode, and runs it. */
  const openSnippet = useCallback(
    (code: string, m: Mode) => {
      editor.current?.setValue(code);
      store(STORE_CODE, code);
      setMode(m);
      setBanner(undefined);
      setTab('output');
      void runOnce(m);
    },
    [runOnce],
  );

  /** Open model…: a sample (loaded by URL in the snippet) or a model read from files or a URL; the snippet runs. */
  const openModel = useCallback(
    (choice: ModelChoice, model?: OpenedModel, note?: string) => {
      setShowOpen(false);
      if (model) opened.current = model;
      const code = modelSnippet(choice);
      editor.current?.setValue(code);
      store(STORE_CODE, code);
      history.replaceState(null, '', location.pathname);
      setBanner(note ? { kind: 'warn', text: note } : undefined);
      setTab('output');
      void runOnce(mode);
    },
    [mode, runOnce],
  );

  const graphs = useMemo<GraphSaver>(
    () => ({
      holds: (r) => runner.holds(r.result?.runId),
      save: (r, plan) => (r.result?.runId === undefined ? Promise.reject(new Error('this run kept no graphs')) : runner.saveGraph(r.result.runId, plan)),
    }),
    [runner],
  );
  const panel: PanelProps = { run: current, runs, mode, onJump: (l, c) => editor.current?.revealLine(l, c), graphs };

  const elapsed = current ? ((current.state !== 'running' ? current.result?.ms : undefined) ?? now - current.startedAt) / 1000 : 0;
  const adapter = backend
    ? backend.backend === 'webgpu'
      ? `WebGPU · ${[backend.adapter?.vendor, backend.adapter?.architecture].filter(Boolean).join(' ') || 'adapter'}${backend.adapter?.isFallbackAdapter ? ' (software)' : ''}`
      : 'CPU backend (no WebGPU)'
    : typeof navigator !== 'undefined' && 'gpu' in navigator
      ? 'WebGPU'
      : 'no WebGPU';

  return (
    <div className="app">
      <header className="toolbar">
        <span className="brand">
          wg<b>flow</b> <span className="dim">playground</span>
        </span>
        <label className="examples">
          <span className="sr-only">Examples</span>
          <select aria-label="Examples" value="" onChange={(e) => openExample(e.target.value)}>
            <option value="" disabled>
              Examples…
            </option>
            {EXAMPLES.map((ex) => (
              <option key={ex.id} value={ex.id}>
                {ex.title}
              </option>
            ))}
          </select>
        </label>
        <button onClick={() => setShowOpen(true)} disabled={running || !editorReady} title="Open a TensorFlow.js graph model (files, a URL or a sample)">
          Open model…
        </button>
        <div className="mode" role="radiogroup" aria-label="Execution mode">
          {(['eager', 'graph'] as const).map((m) => (
            <button key={m} role="radio" aria-checked={mode === m} className={mode === m ? 'on' : ''} onClick={() => setMode(m)} disabled={running}>
              {m === 'eager' ? 'Eager' : 'Graph'}
            </button>
          ))}
        </div>
        <button className="primary" onClick={() => void run()} disabled={running || !editorReady} title="Run (Ctrl+Enter)">
          ▶ Run
        </button>
        <button onClick={stop} disabled={!running} title="Stop (Escape)">
          ■ Stop
        </button>
        <button onClick={() => void compare()} disabled={running || !editorReady} title="Run in both modes and compare">
          ⇄ Compare
        </button>
        <button onClick={() => void share()} title="Copy a link to this snippet and mode">
          Share
        </button>
        <span className="status" data-testid="status" data-state={current?.state ?? 'idle'}>
          {current ? `${current.state === 'running' ? 'running' : current.state} · ${current.mode} · ${elapsed.toFixed(1)} s` : 'ready'}
        </span>
        <span className="spacer" />
        <button className="ghost" onClick={() => setShowKeys((s) => !s)} aria-expanded={showKeys} title="Keyboard shortcuts">
          ?
        </button>
        <span className="adapter" data-testid="adapter" title={backend?.adapter?.description ?? ''}>
          {adapter}
        </span>
      </header>
      {showOpen && <OpenModelDialog onOpen={openModel} onClose={() => setShowOpen(false)} />}
      {showKeys && (
        <div className="keys" role="dialog" aria-label="Keyboard shortcuts">
          <div><kbd>Ctrl</kbd>/<kbd>⌘</kbd> + <kbd>Enter</kbd> run</div>
          <div><kbd>Esc</kbd> stop a run</div>
          <div><kbd>Ctrl</kbd>/<kbd>⌘</kbd> + <kbd>Space</kbd> completions</div>
          <div><kbd>F1</kbd> editor commands</div>
        </div>
      )}
      {banner && (
        <div className={`banner ${banner.kind}`} role="status" data-testid="banner">
          {banner.text}
          <button className="ghost" onClick={() => setBanner(undefined)} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
      {backend && backend.backend !== 'webgpu' && (
        <div className="banner warn" role="status">
          This browser has no WebGPU{backend.reason ? ` (${backend.reason})` : ''}: snippets run on wgflow's CPU backend, which is slower.
        </div>
      )}
      {shareUrl && (
        <div className="banner info" role="status">
          Link copied (or copy it here): <input className="share-url" readOnly value={shareUrl} onFocus={(e) => e.currentTarget.select()} />
          <button className="ghost" onClick={() => setShareUrl(undefined)} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
      <Group orientation="horizontal" className="panes">
        <Panel defaultSize="55" minSize="20">
          <Editor ref={editor} initialCode={initial} onChange={(c) => store(STORE_CODE, c)} onRun={() => void run()} onReady={() => setEditorReady(true)} />
        </Panel>
        <Separator className="resize" />
        <Panel defaultSize="45" minSize="20">
          <div className="side">
            <nav className="tabs" role="tablist">
              {TABS.map(([id, label]) => (
                <button key={id} role="tab" aria-selected={tab === id} className={tab === id ? 'on' : ''} onClick={() => setTab(id)}>
                  {label}
                </button>
              ))}
            </nav>
            <div className="panel-body">
              {tab === 'output' && <OutputPanel run={current} runs={runs} onJump={panel.onJump} />}
              {tab === 'compare' && <ComparePanel eager={runs.eager} graph={runs.graph} />}
              {tab === 'graph' && <GraphPanel {...panel} />}
              {tab === 'timings' && <TimingsPanel {...panel} onCompare={() => void compare(true)} />}
              {tab === 'kernels' && <KernelsPanel {...panel} />}
              {tab === 'memory' && <MemoryPanel {...panel} />}
              {tab === 'optimisations' && (
                <OptimisationsPanel
                  {...panel}
                  optimizations={optimizations}
                  onChange={setOptimizations}
                  onRerun={(o) => void runOnce('graph', undefined, o)}
                  running={running}
                />
              )}
              {tab === 'learn' && <LearnPanel onOpen={openSnippet} />}
            </div>
          </div>
        </Panel>
      </Group>
    </div>
  );
}
