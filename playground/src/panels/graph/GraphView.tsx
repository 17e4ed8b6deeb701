// The Graph panel proper (loaded lazily by GraphPanel): picks what to show from the last run's record (a
// graph plan before or after optimisation, or the eager trace), lays it out with ELK in a worker (cancellable;
// big graphs start collapsed), draws it, and shows the selected node's details with its WGSL. A drawing that
// spans devices is coloured by device until the user picks another colouring. A graph-mode plan can be saved.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type * as WG from '../../../../engine/index';
import { useNow } from '../common';
import type { PanelProps } from '../types';
import { Canvas, type CanvasHandle, type Selection } from './Canvas';
import type { ColorBy, Scale } from './colors';
import { Details } from './Details';
import { LayoutCancelled, Layouter } from './layout';
import { buildModel } from './build';
import { Legend } from './Legend';
import { SaveGraph } from './SaveGraph';
import { fmtMs } from '../format';
import { defaultChoice, usesDevices, viewChoices, type Stage } from './model';
import { defaultCollapsed, elkGraph, toDrawing, unitCount, unitOf, visibleGraph, type Drawing } from './visible';
import './graph.css';

/** What the panel remembers of a record while the app holds it (switching tabs keeps the view). */
interface Memory {
  choice?: string;
  /** The colouring the user picked for this record (else the default: by device when it spans devices). */
  colorBy?: ColorBy;
  collapsed: Map<string, Set<string>>;
  drawings: Map<string, Drawing>;
  selection?: Selection;
}
const memories = new WeakMap<WG.RunRecord, Memory>();
const ids = new WeakMap<WG.RunRecord, number>();
let nextId = 1;
const prefs: { stage: Stage; colorBy: ColorBy; sideHeight?: number } = { stage: 'after', colorBy: 'kind' };

function memoryOf(r: WG.RunRecord): Memory {
  let m = memories.get(r);
  if (!m) memories.set(r, (m = { collapsed: new Map(), drawings: new Map() }));
  return m;
}
function idOf(r: WG.RunRecord): number {
  let id = ids.get(r);
  if (id === undefined) ids.set(r, (id = nextId++));
  return id;
}

const setKey = (s: Set<string>) => [...s].sort().join(',');

export function GraphView({ run, onJump, graphs }: PanelProps) {
  const layouter = useMemo(() => new Layouter(), []);
  useEffect(() => () => layouter.dispose(), [layouter]);
  const record = run?.result?.record;

  if (!run) return <Empty>Run a snippet (Ctrl+Enter) to see its graph: in graph mode the plan before and after optimisation, in eager mode the ops it executed.</Empty>;
  if (!record) {
    if (run.state === 'running') return <Empty state="running">Running… the graph shows when the run finishes.</Empty>;
    return <Empty state="none">{run.state === 'stopped' ? 'The run was stopped before it finished: no graph.' : 'This run left no record to draw (it failed before any op ran).'}</Empty>;
  }
  return <RecordGraph key={idOf(record)} record={record} run={run} layouter={layouter} onJump={onJump} graphs={graphs} />;
}

function Empty({ children, state = 'empty' }: { children: React.ReactNode; state?: string }) {
  return (
    <div className="gv gv-empty" data-testid="graph-panel" data-state={state}>
      <p className="hint">{children}</p>
    </div>
  );
}

type LayoutState =
  | { state: 'layout'; modelKey: string; units: number; startedAt: number; previous?: Drawing }
  | { state: 'ready'; modelKey: string; drawing: Drawing }
  | { state: 'cancelled'; modelKey: string; units: number }
  | { state: 'error'; modelKey: string; error: string };

function RecordGraph({ record, run, layouter, onJump, graphs }: { record: WG.RunRecord; run: NonNullable<PanelProps['run']>; layouter: Layouter } & Pick<PanelProps, 'onJump' | 'graphs'>) {
  const mem = memoryOf(record);
  const choices = useMemo(() => viewChoices(record), [record]);
  const [choiceId, setChoiceId] = useState(() => mem.choice ?? defaultChoice(choices, run.mode)?.id);
  const choice = choices.find((c) => c.id === choiceId) ?? choices[0];
  const [stage, setStageState] = useState<Stage>(prefs.stage);
  const [pickedColor, setPickedColor] = useState<ColorBy | undefined>(mem.colorBy);
  const [selection, setSelectionState] = useState<Selection>(mem.selection);
  const [focus, setFocus] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const canvas = useRef<CanvasHandle>(null);
  const [sideHeight, setSideHeightState] = useState<number | undefined>(prefs.sideHeight);
  const setSideHeight = (h: number) => {
    prefs.sideHeight = h;
    setSideHeightState(h);
  };

  const model = useMemo(() => (choice ? buildModel(record, choice, stage) : undefined), [record, choice, stage]);
  // The layout clock re-renders every 100 ms: what only the model decides is worked out once per model.
  const spansDevices = useMemo(() => !!model && usesDevices(model), [model]);
  const colorBy: ColorBy = pickedColor ?? (spansDevices ? 'device' : prefs.colorBy);

  const [collapsedState, setCollapsedState] = useState<{ key: string; set: Set<string> } | undefined>();
  const collapsed = useMemo(() => {
    if (!model) return new Set<string>();
    if (collapsedState?.key === model.key) return collapsedState.set;
    return mem.collapsed.get(model.key) ?? defaultCollapsed(model);
  }, [model, collapsedState, mem]);
  const setCollapsed = useCallback(
    (s: Set<string>) => {
      if (!model) return;
      mem.collapsed.set(model.key, s);
      setCollapsedState({ key: model.key, set: s });
    },
    [model, mem],
  );
  const collapsedKey = setKey(collapsed);

  const [layout, setLayout] = useState<LayoutState | undefined>();
  /** Bumped by "Try again" after a cancelled layout (nothing else changed, so the effect must rerun). */
  const [attempt, setAttempt] = useState(0);
  const lastGood = useRef<{ modelKey: string; set: Set<string> } | undefined>(undefined);

  // Lay out what is visible (cached per record, view and collapsed groups).
  useEffect(() => {
    if (!model) return;
    const key = `${model.key}|${collapsedKey}`;
    const hit = mem.drawings.get(key);
    if (hit) {
      lastGood.current = { modelKey: model.key, set: collapsed };
      setLayout({ state: 'ready', modelKey: model.key, drawing: hit });
      return;
    }
    const v = visibleGraph(model, collapsed);
    const req = elkGraph(v);
    let live = true;
    setLayout((l) => ({
      state: 'layout',
      modelKey: model.key,
      units: req.units,
      startedAt: performance.now(),
      previous: l?.state === 'ready' && l.modelKey === model.key ? l.drawing : l?.state === 'layout' && l.modelKey === model.key ? l.previous : undefined,
    }));
    layouter.layout(req.graph).then(
      ({ graph, ms }) => {
        if (!live) return;
        const d = toDrawing(v, graph, ms);
        mem.drawings.set(key, d);
        lastGood.current = { modelKey: model.key, set: collapsed };
        setLayout({ state: 'ready', modelKey: model.key, drawing: d });
      },
      (err: Error) => {
        if (!live) return;
        if (err instanceof LayoutCancelled) {
          const good = lastGood.current;
          if (good && good.modelKey === model.key && setKey(good.set) !== collapsedKey) {
            setNotice('Layout cancelled: the previous drawing is kept.');
            setCollapsed(good.set);
          } else setLayout({ state: 'cancelled', modelKey: model.key, units: req.units });
        } else setLayout({ state: 'error', modelKey: model.key, error: err.message });
      },
    );
    return () => {
      live = false;
    };
    // collapsedKey stands for collapsed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [model, collapsedKey, layouter, attempt]);

  const now = useNow(layout?.state === 'layout');
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setNotice(undefined), 4000);
    return () => clearTimeout(t);
  }, [notice]);

  const current = layout && model && layout.modelKey === model.key ? layout : undefined;
  const drawing = current?.state === 'ready' ? current.drawing : current?.state === 'layout' ? current.previous : undefined;

  const setSelection = useCallback(
    (s: Selection, reveal = false) => {
      mem.selection = s;
      setSelectionState(s);
      if (!s || !reveal || !model) return;
      const unit = s.type === 'node' ? unitOf(model, collapsed, s.id) : s.id;
      canvas.current?.reveal(unit);
    },
    [mem, model, collapsed],
  );

  const toggleGroup = useCallback(
    (id: string) => {
      const next = new Set(collapsed);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      setFocus(id);
      setCollapsed(next);
    },
    [collapsed, setCollapsed],
  );

  const scale: Scale = useMemo(() => {
    let max = 0;
    // Copies are timed on another clock (and include waiting for the GPU): the heat scale is the kernels'.
    for (const n of model?.nodes ?? []) if (n.kind !== 'transfer') max = Math.max(max, n.ms ?? 0);
    for (const g of model?.groups ?? []) max = Math.max(max, g.ms ?? 0);
    return { max };
  }, [model]);

  const setStage = (s: Stage) => {
    prefs.stage = s;
    setStageState(s);
    setFocus(undefined);
  };
  const setColorBy = (c: ColorBy) => {
    prefs.colorBy = c;
    mem.colorBy = c;
    setPickedColor(c);
  };

  if (!choice || !model) {
    return (
      <Empty state="none">
        {run.mode === 'eager'
          ? 'This run executed no ops eagerly and ran no graph plan.'
          : 'This run ran no graph plan (nothing was computed, or every value came from data).'}
      </Empty>
    );
  }

  if (model.nodes.length === 0) return <Empty state="none">This plan has no nodes to draw.</Empty>;

  const validSelection = selection && (selection.type === 'node' ? model.byId.has(selection.id) : model.groupById.has(selection.id)) ? selection : undefined;
  const hasGroups = model.groups.length > 0;
  const allOpen = collapsed.size === 0;
  const allClosed = hasGroups && model.groups.every((g) => collapsed.has(g.id));
  const status =
    current?.state === 'layout'
      ? `Laying out ${current.units} nodes… ${((now - current.startedAt) / 1000).toFixed(1)} s`
      : current?.state === 'ready'
        ? `${current.drawing.units.length} drawn · laid out in ${fmtMs(current.drawing.ms)}`
        : current?.state === 'cancelled'
          ? 'Layout cancelled'
          : current?.state === 'error'
            ? `Layout failed: ${current.error}`
            : '';

  return (
    <div className="gv" data-testid="graph-panel" data-state={current?.state ?? 'layout'} data-view={choice.id} data-stage={choice.kind === 'graph' ? stage : 'trace'} data-model={model.key}>
      <div className="gv-bar">
        {choices.length > 1 && (
          <select
            aria-label="Graph to show"
            data-testid="graph-choice"
            value={choice.id}
            onChange={(e) => {
              mem.choice = e.target.value;
              setChoiceId(e.target.value);
              setFocus(undefined);
            }}
          >
            {choices.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        )}
        {choice.kind === 'graph' && (
          <div className="gv-seg" role="radiogroup" aria-label="Optimisation">
            {(['before', 'after'] as const).map((s) => (
              <button key={s} role="radio" aria-checked={stage === s} className={stage === s ? 'on' : ''} onClick={() => setStage(s)} data-testid={`stage-${s}`}>
                {s === 'before' ? 'Before' : 'After'} optimisation
              </button>
            ))}
          </div>
        )}
        <label className="gv-color">
          Colour
          <select aria-label="Colour nodes by" data-testid="color-by" value={colorBy} onChange={(e) => setColorBy(e.target.value as ColorBy)}>
            <option value="kind">by kind</option>
            <option value="time">by time</option>
            <option value="device">by device</option>
          </select>
        </label>
        {choice.kind === 'graph' && <SaveGraph run={run} index={choice.index} saver={graphs} onNotice={setNotice} />}
        <span className="spacer" />
        {hasGroups && (
          <>
            <button className="gv-btn" onClick={() => setCollapsed(new Set())} disabled={allOpen} data-testid="expand-all" title={`Open every group (${model.nodes.length} nodes)`}>
              Expand all
            </button>
            <button className="gv-btn" onClick={() => setCollapsed(new Set(model.groups.map((g) => g.id)))} disabled={allClosed} data-testid="collapse-all" title="Close every group">
              Collapse all
            </button>
          </>
        )}
        <div className="gv-zoom">
          <button className="gv-btn" onClick={() => canvas.current?.zoom(1 / 1.25)} aria-label="Zoom out" data-testid="zoom-out">
            −
          </button>
          <button className="gv-btn" onClick={() => canvas.current?.reset()} aria-label="Actual size" title="100%">
            1:1
          </button>
          <button className="gv-btn" onClick={() => canvas.current?.zoom(1.25)} aria-label="Zoom in" data-testid="zoom-in">
            +
          </button>
          <button className="gv-btn" onClick={() => canvas.current?.fit()} data-testid="fit" title="Fit to view (F)">
            Fit
          </button>
        </div>
      </div>
      <div className="gv-summary">
        <span data-testid="graph-summary">{model.summary}</span>
        {unitCount(model, collapsed) < model.nodes.length && <span className="dim"> · {collapsed.size} group{collapsed.size === 1 ? '' : 's'} collapsed</span>}
        <span className="spacer" />
        <span className={`gv-status${current?.state === 'error' ? ' bad' : ''}`} data-testid="graph-status">
          {status}
        </span>
        {current?.state === 'layout' && (
          <button className="gv-btn gv-cancel" onClick={() => layouter.cancel()} data-testid="layout-cancel">
            Cancel
          </button>
        )}
      </div>
      <div className="gv-stage">
        {drawing ? (
          <Canvas
            ref={canvas}
            drawing={drawing}
            model={model}
            colorBy={colorBy}
            scale={scale}
            selection={validSelection}
            stale={current?.state === 'layout'}
            onSelect={(s) => setSelection(s)}
            onToggleGroup={toggleGroup}
            focus={focus}
          />
        ) : (
          <div className="gv-placeholder">
            {current?.state === 'cancelled' ? (
              <div className="gv-overlay-msg">
                <p>The layout of {current.units} nodes was cancelled.</p>
                {hasGroups && !allClosed && (
                  <button className="gv-btn" onClick={() => setCollapsed(new Set(model.groups.map((g) => g.id)))}>
                    Collapse all groups
                  </button>
                )}
                <button className="gv-btn" onClick={() => setAttempt((a) => a + 1)} data-testid="layout-retry">
                  Try again
                </button>
              </div>
            ) : current?.state === 'error' ? (
              <p className="gv-overlay-msg bad">The layout failed: {current.error}</p>
            ) : (
              <p className="gv-overlay-msg dim">Laying out…</p>
            )}
          </div>
        )}
        {current?.state === 'layout' && drawing && <div className="gv-busy">Laying out {current.units} nodes…</div>}
        {notice && <div className="gv-notice">{notice}</div>}
        <Legend colorBy={colorBy} scale={scale} model={model} />
      </div>
      {validSelection && <Splitter height={sideHeight} onHeight={setSideHeight} />}
      {validSelection && (
        <div className="gv-side" style={sideHeight ? { height: sideHeight, maxHeight: 'none' } : undefined}>
          <Details
            model={model}
            record={record}
            selection={validSelection}
            code={run.code}
            collapsed={collapsed}
            onJump={onJump}
            onSelect={(s) => setSelection(s, true)}
            onToggleGroup={toggleGroup}
          />
        </div>
      )}
    </div>
  );
}

/** The bar between the drawing and the details: drag it to share the height between them. */
function Splitter({ height, onHeight }: { height: number | undefined; onHeight(h: number): void }) {
  const start = useRef<{ y: number; h: number; max: number } | undefined>(undefined);
  return (
    <div
      className="gv-split"
      role="separator"
      aria-orientation="horizontal"
      aria-label="Resize the details"
      tabIndex={0}
      onPointerDown={(e) => {
        const side = e.currentTarget.nextElementSibling as HTMLElement | null;
        const panel = e.currentTarget.parentElement;
        if (!side || !panel) return;
        e.currentTarget.setPointerCapture(e.pointerId);
        start.current = { y: e.clientY, h: side.getBoundingClientRect().height, max: panel.getBoundingClientRect().height - 200 };
      }}
      onPointerMove={(e) => {
        const s = start.current;
        if (!s) return;
        onHeight(Math.round(Math.min(Math.max(120, s.h - (e.clientY - s.y)), Math.max(120, s.max))));
      }}
      onPointerUp={() => (start.current = undefined)}
      onKeyDown={(e) => {
        const side = e.currentTarget.nextElementSibling as HTMLElement | null;
        const h = height ?? side?.getBoundingClientRect().height ?? 300;
        if (e.key === 'ArrowUp') onHeight(h + 40);
        else if (e.key === 'ArrowDown') onHeight(Math.max(120, h - 40));
      }}
    />
  );
}
