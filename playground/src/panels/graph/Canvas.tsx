// The drawing: a laid-out graph as SVG, with wheel zoom (around the pointer), drag to pan, fit to view,
// and clicks that select nodes and open or close groups. The view transform lives in a ref and is written
// to the DOM directly, so zooming and panning never re-render the nodes (drawn by shapes.tsx).
import { forwardRef, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useRef } from 'react';
import type { GraphModel } from './model';
import { groupStyle, type ColorBy, type Scale } from './colors';
import { EdgeShape, NodeShape } from './shapes';
import { FONT_GROUP, FONT_SUB, fitText, groupMeta, groupName, groupTitle, groupsOf, textWidth, type Box, type Drawing } from './visible';

export type Selection = { type: 'node' | 'group'; id: string } | undefined;

export interface CanvasHandle {
  fit(): void;
  zoom(factor: number): void;
  reset(): void;
  reveal(id: string): void;
}

interface Props {
  drawing: Drawing;
  model: GraphModel;
  colorBy: ColorBy;
  scale: Scale;
  selection: Selection;
  /** Dimmed while a new layout is computed. */
  stale: boolean;
  onSelect(s: Selection): void;
  onToggleGroup(id: string): void;
  /** A group to centre on once this drawing shows (the one just opened or closed). */
  focus?: string;
  onZoom?(k: number): void;
}

const MIN_K = 0.004;
const MAX_K = 4;
const clampK = (k: number) => Math.min(MAX_K, Math.max(MIN_K, k));

export const Canvas = forwardRef<CanvasHandle, Props>(function Canvas(props, ref) {
  const { drawing, model, colorBy, scale, selection, stale, onSelect, onToggleGroup, focus, onZoom } = props;
  const svg = useRef<SVGSVGElement>(null);
  const layer = useRef<SVGGElement>(null);
  const view = useRef({ x: 0, y: 0, k: 1 });
  const lastSize = useRef<{ w: number; h: number } | undefined>(undefined);
  const zoomCb = useRef(onZoom);
  zoomCb.current = onZoom;

  const apply = useCallback(() => {
    const { x, y, k } = view.current;
    layer.current?.setAttribute('transform', `translate(${x},${y}) scale(${k})`);
    svg.current?.setAttribute('data-zoom', k.toFixed(3));
    zoomCb.current?.(k);
  }, []);

  const size = () => {
    const r = svg.current?.getBoundingClientRect();
    return { w: r?.width || 400, h: r?.height || 300 };
  };

  const fitBox = useCallback(
    (b: Box, maxK: number) => {
      const { w, h } = size();
      const k = clampK(Math.min((w - 32) / Math.max(b.w, 1), (h - 32) / Math.max(b.h, 1), maxK));
      view.current = { k, x: (w - b.w * k) / 2 - b.x * k, y: (h - b.h * k) / 2 - b.y * k };
      apply();
    },
    [apply],
  );

  const fit = useCallback(() => {
    fitBox({ x: 0, y: 0, w: drawing.width, h: drawing.height }, 1.5);
  }, [drawing, fitBox]);

  /** The first view of a drawing: all of it when that stays legible, else its top at a readable scale. */
  const initial = useCallback(() => {
    const { w, h } = size();
    const k = Math.min((w - 32) / drawing.width, (h - 32) / drawing.height, 1.25);
    if (k >= 0.45) {
      // All of it, near the top: the details pane opening below then hides nothing of a small graph.
      view.current = { k, x: (w - drawing.width * k) / 2, y: Math.min((h - drawing.height * k) / 2, 24) };
      return apply();
    }
    const k2 = clampK(Math.max(Math.min(0.9, (w - 32) / drawing.width), 0.6));
    // Too wide as well: centre the first units (the top of the drawing) horizontally.
    let x = (w - drawing.width * k2) / 2;
    if (drawing.width * k2 > w - 32) {
      const top: Box[] = [...drawing.units, ...drawing.groups].filter((u) => u.y < 120);
      const cx = top.length ? (Math.min(...top.map((u) => u.x)) + Math.max(...top.map((u) => u.x + u.w))) / 2 : drawing.width / 2;
      x = Math.min(16, Math.max(w - 16 - drawing.width * k2, w / 2 - cx * k2));
    }
    view.current = { k: k2, x, y: 12 };
    apply();
  }, [drawing, apply]);

  /** Brings a box to the middle, zooming out to fit it while staying legible; one still too big shows its top. */
  const centreOn = useCallback(
    (b: Box) => {
      const { w, h } = size();
      let k = view.current.k < 0.5 ? 0.85 : Math.min(view.current.k, 1.25);
      const fitK = Math.min((w - 32) / Math.max(b.w, 1), (h - 32) / Math.max(b.h, 1));
      if (fitK < k) k = Math.max(fitK, 0.5);
      k = clampK(k);
      const x = b.w * k <= w - 32 ? w / 2 - (b.x + b.w / 2) * k : 16 - b.x * k;
      // In the upper half: opening the details (below the drawing) must not hide it.
      const cy = Math.min(h / 2, Math.max(16 + (b.h * k) / 2, h / 4));
      const y = b.h * k <= h - 32 ? cy - (b.y + b.h / 2) * k : 16 - b.y * k;
      view.current = { k, x, y };
      apply();
    },
    [apply],
  );

  const findBox = useCallback(
    (id: string): Box | undefined => drawing.units.find((u) => u.id === id) ?? drawing.groups.find((g) => g.group.id === id),
    [drawing],
  );

  /** Zooms about the centre of the view. */
  const zoomBy = useCallback(
    (f: number) => {
      const { w, h } = size();
      const { x, y, k } = view.current;
      const k2 = clampK(k * f);
      view.current = { k: k2, x: w / 2 - ((w / 2 - x) * k2) / k, y: h / 2 - ((h / 2 - y) * k2) / k };
      apply();
    },
    [apply],
  );

  /** Brings a unit into view (moves only when little or none of it is in view). */
  const reveal = useCallback(
    (id: string) => {
      const b = findBox(id);
      if (!b) return;
      const { w, h } = size();
      const { x, y, k } = view.current;
      const l = Math.max(0, b.x * k + x);
      const t = Math.max(0, b.y * k + y);
      const r = Math.min(w, (b.x + b.w) * k + x);
      const btm = Math.min(h, (b.y + b.h) * k + y);
      const enough = (seen: number, size: number) => seen >= Math.min(40, size * 0.9);
      if (!enough(r - l, b.w * k) || !enough(btm - t, b.h * k)) centreOn(b);
    },
    [findBox, centreOn],
  );
  const revealRef = useRef(reveal);
  revealRef.current = reveal;

  // A new drawing: centre on the group just toggled, or show the drawing.
  useLayoutEffect(() => {
    const b = focus ? findBox(focus) : undefined;
    if (b) centreOn(b);
    else initial();
    // Only a new drawing moves the view.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [drawing]);

  useImperativeHandle(
    ref,
    () => ({
      fit,
      reset: () => {
        const { w, h } = size();
        const { x, y, k } = view.current;
        const cx = (w / 2 - x) / k;
        const cy = (h / 2 - y) / k;
        view.current = { k: 1, x: w / 2 - cx, y: h / 2 - cy };
        apply();
      },
      zoom: zoomBy,
      reveal,
    }),
    [fit, apply, reveal, zoomBy],
  );

  // The pane changes size (the details open, the window or the split moves): the drawing keeps its top and
  // its horizontal centre, so what is under the pointer stays there (a double click still lands), and the
  // selection is kept in sight.
  const selRef = useRef<string | undefined>(undefined);
  useEffect(() => {
    const el = svg.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      const { w, h } = size();
      const prev = lastSize.current;
      lastSize.current = { w, h };
      if (!prev || (prev.w === w && prev.h === h)) return;
      view.current = { ...view.current, x: view.current.x + (w - prev.w) / 2 };
      apply();
      if (selRef.current) revealRef.current(selRef.current);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [apply]);

  // Wheel zoom around the pointer (a non-passive listener: the page must not scroll).
  useEffect(() => {
    const el = svg.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      const px = e.clientX - r.left;
      const py = e.clientY - r.top;
      const { x, y, k } = view.current;
      // Trackpad pans (no ctrl, horizontal or small deltas) move the view; a wheel or pinch zooms.
      if (!e.ctrlKey && Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        view.current = { k, x: x - e.deltaX, y: y - e.deltaY };
      } else {
        const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
        const k2 = clampK(k * Math.exp((-e.deltaY * unit * (e.ctrlKey ? 0.01 : 0.0015))));
        view.current = { k: k2, x: px - ((px - x) * k2) / k, y: py - ((py - y) * k2) / k };
      }
      apply();
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [apply]);

  // Drag to pan; a press that does not move is a click (select, or open/close a group).
  const drag = useRef<{ x: number; y: number; vx: number; vy: number; moved: boolean; id: number } | undefined>(undefined);
  const onPointerDown = (e: React.PointerEvent<SVGSVGElement>) => {
    if (e.button !== 0) return;
    drag.current = { x: e.clientX, y: e.clientY, vx: view.current.x, vy: view.current.y, moved: false, id: e.pointerId };
  };
  const onPointerMove = (e: React.PointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    if (!d.moved && Math.hypot(dx, dy) < 4) return;
    if (!d.moved) {
      d.moved = true;
      svg.current?.setPointerCapture(e.pointerId);
      svg.current?.classList.add('panning');
    }
    view.current = { ...view.current, x: d.vx + dx, y: d.vy + dy };
    apply();
  };
  const endDrag = (e: React.PointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    drag.current = undefined;
    svg.current?.classList.remove('panning');
    if (!d || d.id !== e.pointerId) return;
    if (d.moved) {
      svg.current?.releasePointerCapture(e.pointerId);
      return;
    }
    activate(e.target as Element, false);
  };

  const activate = (target: Element, dbl: boolean) => {
    const toggle = target.closest('[data-toggle]');
    if (toggle) return onToggleGroup(toggle.getAttribute('data-toggle')!);
    const unit = target.closest('[data-unit]');
    if (unit) {
      const u = drawing.units.find((x) => x.id === unit.getAttribute('data-unit'));
      if (!u) return;
      if (u.type === 'group') return dbl ? onToggleGroup(u.id) : onSelect({ type: 'group', id: u.id });
      if (u.type === 'proxy') {
        const src = drawing.units.find((x) => x.id === u.proxyOf);
        const sel: Selection = src?.type === 'group' ? { type: 'group', id: src.id } : { type: 'node', id: u.proxyOf! };
        onSelect(sel);
        return;
      }
      return onSelect({ type: 'node', id: u.id });
    }
    const box = target.closest('[data-group]');
    if (box) return dbl ? onToggleGroup(box.getAttribute('data-group')!) : onSelect({ type: 'group', id: box.getAttribute('data-group')! });
    if (!dbl) onSelect(undefined);
  };

  const onKeyDown = (e: React.KeyboardEvent<SVGSVGElement>) => {
    const t = e.target as Element;
    if ((e.key === 'Enter' || e.key === ' ') && t.closest('[data-unit]')) {
      e.preventDefault();
      activate(t, false);
    } else if (e.key === 'f' || e.key === '0') fit();
    else if (e.key === '+' || e.key === '=') zoomBy(1.25);
    else if (e.key === '-') zoomBy(1 / 1.25);
    else if (e.key.startsWith('Arrow')) {
      const step = 60;
      const v = view.current;
      view.current = { ...v, x: v.x + (e.key === 'ArrowLeft' ? step : e.key === 'ArrowRight' ? -step : 0), y: v.y + (e.key === 'ArrowUp' ? step : e.key === 'ArrowDown' ? -step : 0) };
      apply();
      e.preventDefault();
    }
  };

  // What to highlight: the selection, its neighbours and the edges between them.
  const selUnit = selection
    ? selection.type === 'group'
      ? selection.id
      : (() => {
          if (drawing.units.some((u) => u.id === selection.id)) return selection.id;
          // Hidden in a collapsed group: the outermost group holding it that is drawn.
          const drawn = new Set(drawing.units.map((u) => u.id));
          return groupsOf(model, selection.id).reverse().find((g) => drawn.has(g.id))?.id;
        })()
    : undefined;
  selRef.current = selUnit;
  const hotEdges = new Set<string>();
  const neighbours = new Set<string>();
  if (selUnit) {
    for (const e of drawing.edges) {
      const fromSel = e.from === selUnit || drawing.units.find((u) => u.id === e.from)?.proxyOf === selUnit;
      if (fromSel || e.to === selUnit) {
        hotEdges.add(e.id);
        neighbours.add(fromSel ? e.to : e.from);
      }
    }
  }

  return (
    <svg
      ref={svg}
      className={`gv-canvas${stale ? ' stale' : ''}`}
      data-testid="graph-canvas"
      data-units={drawing.units.length}
      tabIndex={0}
      aria-label="Graph drawing: drag to pan, wheel to zoom, F to fit"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={endDrag}
      onPointerCancel={() => (drag.current = undefined)}
      onDoubleClick={(e) => activate(e.target as Element, true)}
      onKeyDown={onKeyDown}
    >
      <defs>
        <marker id="gv-arrow" viewBox="0 0 8 8" refX="7.5" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0,0L8,4L0,8z" className="gv-arrowhead" />
        </marker>
        <marker id="gv-arrow-hot" viewBox="0 0 8 8" refX="7.5" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0,0L8,4L0,8z" className="gv-arrowhead hot" />
        </marker>
      </defs>
      <g ref={layer}>
        {drawing.groups.map((g) => {
          const s = groupStyle(g.group, colorBy, scale);
          const sel = selection?.type === 'group' && selection.id === g.group.id;
          // The header: the title first; the time and status when there is room for them too.
          const room = g.w - 44;
          let meta = groupMeta(g.group);
          let metaW = meta ? textWidth(meta, FONT_SUB) + 12 : 0;
          metaW += 8;
          if (meta && room - metaW < 90) {
            meta = '';
            metaW = 0;
          }
          const title = fitText(groupTitle(g.group), FONT_GROUP, room - metaW);
          return (
            <g
              key={g.group.id}
              className={`gv-group gk-${g.group.kind}${sel ? ' selected' : ''}`}
              transform={`translate(${g.x},${g.y})`}
              data-testid="graph-group"
              data-group={g.group.id}
              data-kind={g.group.kind}
              data-pass={g.group.kind === 'backward' ? 'backward' : (g.group.pass ?? '')}
              data-kernel-kind={g.group.kernelKind ?? ''}
              data-label={g.group.label}
              data-status={g.group.status ?? ''}
              data-members={g.group.members.length}
            >
              <title>{`${g.group.kind === 'kernel' ? `fused ${g.group.kernelKind ?? ''} kernel `.replace('  ', ' ') : g.group.kind === 'scope' ? 'name scope ' : g.group.kind === 'backward' ? 'backward pass: ' : ''}${groupName(g.group)}\n${g.group.members.length} ops${groupMeta(g.group) ? ` · ${groupMeta(g.group)}` : ''}${g.group.variant ? `\nvariant: ${g.group.variant}` : ''}\nclick: details · double-click or −: close`}</title>
              <rect className="gv-gbox" width={g.w} height={g.h} rx={8} style={{ fill: s.fill, stroke: s.stroke, strokeDasharray: s.dash }} />
              <text className="gv-gtitle" x={10} y={19} style={{ fill: s.text }}>
                {title}
              </text>
              {meta && (
                <text className="gv-gmeta" x={g.w - 30} y={19}>
                  {meta}
                </text>
              )}
              <g className="gv-toggle" data-toggle={g.group.id} transform={`translate(${g.w - 23},7)`}>
                <rect width={16} height={16} rx={3} />
                <path d="M4,8H12" />
              </g>
            </g>
          );
        })}
        {drawing.edges.map((e) => (
          <EdgeShape key={e.id} e={e} hot={hotEdges.has(e.id)} />
        ))}
        {drawing.units.map((u) => (
          <NodeShape key={u.id} u={u} m={model} colorBy={colorBy} scale={scale} selected={selUnit === u.id} neighbour={neighbours.has(u.id)} />
        ))}
      </g>
    </svg>
  );
});
