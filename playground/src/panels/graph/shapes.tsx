// How one unit and one edge of a drawing look in SVG: a node (a rounded box, a pill for inputs, a pointed tag
// for a copy between devices) with its title, subtitle and tooltip, and an edge with its tensor label.
import { memo } from 'react';
import { fmtBytes } from '../format';
import { fmtMs } from '../format';
import { directionText, gradText, tensorLong, type GraphModel } from './model';
import { nodeStyle, type ColorBy, type Scale } from './colors';
import type { Box, DrawnEdge, Unit } from './visible';

/** A tag pointed at both ends: how a copy between devices is drawn. */
const tagPath = (w: number, h: number, p = 9) => `M${p},0H${w - p}L${w},${h / 2}L${w - p},${h}H${p}L0,${h / 2}Z`;

/** An orthogonal route with rounded corners. */
function routePath(pts: { x: number; y: number }[]): string {
  if (pts.length === 0) return '';
  let d = `M${pts[0]!.x},${pts[0]!.y}`;
  for (let i = 1; i < pts.length - 1; i++) {
    const p = pts[i - 1]!;
    const c = pts[i]!;
    const n = pts[i + 1]!;
    const l1 = Math.hypot(c.x - p.x, c.y - p.y);
    const l2 = Math.hypot(n.x - c.x, n.y - c.y);
    const r = Math.min(6, l1 / 2, l2 / 2);
    if (r < 0.5) {
      d += `L${c.x},${c.y}`;
      continue;
    }
    const a = { x: c.x - ((c.x - p.x) / l1) * r, y: c.y - ((c.y - p.y) / l1) * r };
    const b = { x: c.x + ((n.x - c.x) / l2) * r, y: c.y + ((n.y - c.y) / l2) * r };
    d += `L${a.x},${a.y}Q${c.x},${c.y} ${b.x},${b.y}`;
  }
  const last = pts[pts.length - 1]!;
  return `${d}L${last.x},${last.y}`;
}

function unitTooltip(u: Unit, m: GraphModel): string {
  if (u.type === 'proxy') return `${u.title.slice(2)}: read here (click to go to it)`;
  if (u.type === 'group') {
    const g = u.group!;
    return `${g.kind === 'scope' ? 'name scope ' : g.kind === 'backward' ? 'backward pass: ' : ''}${g.path ?? g.label}\n${g.members.length} ops${g.ms !== undefined ? ` · ${fmtMs(g.ms)}` : ''}${g.status ? ` · ${g.status}` : ''}${g.variant ? `\nvariant: ${g.variant}` : ''}\nclick: details · double-click: open`;
  }
  const n = u.node!;
  const lines = [`${n.op}${n.name !== n.op ? ` (${n.name})` : ''}`];
  if (n.transfer) lines.push(`copies ${directionText(n.transfer)}${n.transfer.bytes !== undefined ? ` · ${fmtBytes(n.transfer.bytes)}` : ''}`);
  if (n.outputs.length) lines.push(`→ ${n.outputs.map(tensorLong).join(', ')}`);
  if (n.ms !== undefined) lines.push(`time ${fmtMs(n.ms)}`);
  if (n.device) lines.push(`device ${n.device}`);
  if (n.status) lines.push(n.status);
  if (n.grad) lines.push(gradText(n.grad));
  if (n.line !== undefined) lines.push(`line ${n.line}`);
  if (n.scope) lines.push(`scope ${n.scope}`);
  if (n.group && m.groupById.get(n.group)?.kind === 'kernel') lines.push(`fused kernel ${m.groupById.get(n.group)!.label}`);
  return lines.join('\n');
}

export const NodeShape = memo(function NodeShape({ u, m, colorBy, scale, selected, neighbour }: { u: Unit & Box; m: GraphModel; colorBy: ColorBy; scale: Scale; selected: boolean; neighbour: boolean }) {
  const s = nodeStyle(u, colorBy, scale);
  const rx = s.pill ? u.h / 2 : 5;
  const twoLines = !!u.subtitle && u.type !== 'proxy';
  const cls = ['gv-unit', `gv-${u.type}`, selected ? 'selected' : '', neighbour ? 'neighbour' : '', u.node?.status ? `st-${u.node.status}` : ''].join(' ');
  return (
    <g
      className={cls}
      transform={`translate(${u.x},${u.y})`}
      data-testid="graph-node"
      data-id={u.id}
      data-type={u.type}
      data-op={u.node?.op ?? ''}
      data-pass={u.node ? (u.node.grad ? 'backward' : u.node.update ? 'update' : 'forward') : u.group?.kind === 'backward' ? 'backward' : (u.group?.pass ?? '')}
      data-kind={u.node?.kind ?? u.group?.kind ?? 'proxy'}
      data-kernel-kind={u.node?.kernelKind ?? u.group?.kernelKind ?? ''}
      data-device={u.node?.device ?? (u.node?.transfer ? directionText(u.node.transfer) : '')}
      data-status={u.node?.status ?? u.group?.status ?? ''}
      data-unit={u.id}
      role="button"
      tabIndex={0}
      aria-label={`${u.type === 'group' ? 'group ' : ''}${u.title}${u.subtitle ? `, ${u.subtitle}` : ''}`}
      style={{ opacity: s.opacity }}
    >
      <title>{unitTooltip(u, m)}</title>
      {u.type === 'group' && <rect className="gv-stack" x={4} y={4} width={u.w} height={u.h} rx={rx} style={{ stroke: s.stroke }} />}
      {s.arrow ? (
        <path className="gv-body" d={tagPath(u.w, u.h)} style={{ fill: s.fill, stroke: s.stroke, strokeDasharray: s.dash }} />
      ) : (
        <rect className="gv-body" width={u.w} height={u.h} rx={rx} style={{ fill: s.fill, stroke: s.stroke, strokeDasharray: s.dash }} />
      )}
      {s.double && <rect className="gv-inner" x={3} y={3} width={u.w - 6} height={u.h - 6} rx={3} style={{ stroke: s.stroke }} />}
      <text className="gv-title" x={u.type === 'group' ? (u.w - 22) / 2 : u.w / 2} y={twoLines ? 15 : u.h / 2 + 4} style={{ fill: s.text }}>
        {u.title}
      </text>
      {twoLines && (
        <text className="gv-sub" x={u.type === 'group' ? (u.w - 22) / 2 : u.w / 2} y={u.type === 'group' ? 31 : 29} style={{ fill: s.sub }}>
          {u.subtitle}
        </text>
      )}
      {u.type === 'group' && (
        <g className="gv-toggle" data-toggle={u.id} transform={`translate(${u.w - 20},${u.h / 2 - 8})`}>
          <rect width={16} height={16} rx={3} />
          <path d="M4,8H12M8,4V12" />
        </g>
      )}
    </g>
  );
});

export const EdgeShape = memo(function EdgeShape({ e, hot }: { e: DrawnEdge; hot: boolean }) {
  return (
    <g className={`gv-edge${hot ? ' hot' : ''}`} data-testid="graph-edge" data-from={e.from} data-to={e.to}>
      <path d={routePath(e.points)} markerEnd={hot ? 'url(#gv-arrow-hot)' : 'url(#gv-arrow)'} />
      {e.label && (
        <g className="gv-elabel" transform={`translate(${e.label.x},${e.label.y})`}>
          <rect width={e.label.w} height={e.label.h} rx={3} />
          <text x={e.label.w / 2} y={e.label.h - 4}>
            {e.label.text}
          </text>
        </g>
      )}
    </g>
  );
});
