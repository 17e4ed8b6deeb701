// How units look: by op kind (the default: structural inputs, constants, variables, effects and kernel
// families apart), by measured time (a heat scale), or by device. Copies between devices keep their own colour
// and shape in every mode. Colours sit on the playground's dark theme.
import type { GGroup, GNode } from './model';
import type { Unit } from './visible';

export type ColorBy = 'kind' | 'time' | 'device';

export interface Scale {
  /** The largest time of a unit (ms), for the heat scale. */
  max: number;
}

export interface Look {
  fill: string;
  stroke: string;
  dash?: string;
  text: string;
  sub: string;
  opacity?: number;
  pill?: boolean;
  double?: boolean;
  /** Drawn as a tag with pointed ends (a copy between devices). */
  arrow?: boolean;
}

const TEXT = '#d8dee9';
const DIM = '#8a94a6';

/** Kernel families and structural kinds: [fill, stroke]. */
export const PALETTE = {
  elementwise: ['#15263a', '#4fa3ff'],
  reduce: ['#13291b', '#3fb950'],
  matmul: ['#33220f', '#f0883e'],
  conv: ['#2d2a10', '#e3c84a'],
  scan: ['#2a1f3d', '#a371f7'],
  transfer: ['#2b1631', '#d46fc4'],
  other: ['#1e232b', '#8a94a6'],
  placeholder: ['#0f2a2d', '#39c5cf'],
  variable: ['#2e2508', '#d29922'],
  constant: ['#1c1f25', '#6e7681'],
  capture: ['#1c2329', '#58a6b0'],
  input: ['#161a20', '#6e7681'],
  effect: ['#2d1414', '#f85149'],
} as const;

/** The backward pass: a backward node's fill (its stroke keeps its kernel family) and the backward group's box. */
export const BACKWARD = ['#3a1930', '#f778ba'] as const;

/** An optimizer's update (its name scope: Adam, SGD, …): an update node's fill and the scope's box. */
export const UPDATE = ['#27300f', '#b5e550'] as const;
/** A training step's forward group box. */
export const FORWARD = ['#15263a', '#6cb6ff'] as const;

export const DEVICE = { webgpu: ['#15263a', '#4fa3ff'], cpu: ['#2e2508', '#d29922'], transfer: PALETTE.transfer } as const;

/** 0…1 → a dark blue → amber → red heat colour (fill) and a brighter stroke. */
export function heat(t: number): [string, string] {
  const x = Math.min(1, Math.max(0, t));
  const hue = 215 - 205 * x; // blue → red
  const sat = 45 + 35 * x;
  return [`hsl(${hue} ${sat}% ${17 + 15 * x}%)`, `hsl(${hue} ${sat + 10}% ${52 + 8 * x}%)`];
}

/** Times spread better on a square-root scale (one slow kernel would leave every other one dark). */
export const heatOf = (ms: number, max: number) => (max > 0 ? Math.sqrt(ms / max) : 0);

function byKind(n: GNode): readonly [string, string] {
  switch (n.kind) {
    case 'placeholder':
    case 'variable':
    case 'constant':
    case 'capture':
    case 'input':
    case 'effect':
    case 'transfer':
      return PALETTE[n.kind];
    case 'op':
      return PALETTE[(n.kernelKind ?? 'other') as keyof typeof PALETTE] ?? PALETTE.other;
  }
}

const STRUCTURAL = new Set(['placeholder', 'variable', 'constant', 'capture', 'input']);

export function nodeStyle(u: Unit, colorBy: ColorBy, scale: Scale): Look {
  if (u.type === 'proxy') return { fill: '#161a20', stroke: '#59616e', dash: '3 3', text: DIM, sub: DIM, pill: true };
  if (u.type === 'group') return groupUnitStyle(u.group!, colorBy, scale);
  const n = u.node!;
  let [fill, stroke]: readonly [string, string] = byKind(n);
  // By kind, a backward node (an op of a gradient) has the backward fill; its outline still says its kernel family.
  if (n.grad && n.kind === 'op') fill = BACKWARD[0];
  // An optimizer's update op likewise has the update fill.
  else if (n.update && n.kind === 'op') fill = UPDATE[0];
  let text = n.kind === 'constant' || n.kind === 'input' ? '#b1bac4' : TEXT;
  // Copies look the same in every mode (their times are on another clock than the kernels' heat scale).
  const own = n.kind === 'transfer';
  if (colorBy === 'time' && !own) {
    if (n.ms !== undefined) [fill, stroke] = heat(heatOf(n.ms, scale.max));
    else if (!STRUCTURAL.has(n.kind)) [fill, stroke] = ['#1a1d23', '#3b424d'];
  } else if (colorBy === 'device' && !own) {
    const d = n.device ? DEVICE[n.device as keyof typeof DEVICE] : undefined;
    if (d) [fill, stroke] = d;
    else [fill, stroke] = ['#1a1d23', '#4a525e'];
    if (!d) text = DIM;
  }
  const look: Look = {
    fill,
    stroke,
    text,
    sub: DIM,
    pill: n.kind === 'placeholder' || n.kind === 'capture' || n.kind === 'input',
    double: n.kind === 'variable',
    dash: n.kind === 'input' ? '4 3' : n.kind === 'capture' ? '2 2' : undefined,
    arrow: n.kind === 'transfer',
  };
  if (n.status === 'folded') {
    look.dash = '5 3';
    look.sub = '#6e7681';
  } else if (n.status === 'pruned' || n.status === 'merged' || n.status === 'removed') {
    look.dash = '2 3';
    look.opacity = 0.5;
  }
  return look;
}

const deviceColours = (g: GGroup): readonly [string, string] | undefined => (g.device ? DEVICE[g.device as keyof typeof DEVICE] : undefined);

function groupUnitStyle(g: GGroup, colorBy: ColorBy, scale: Scale): Look {
  let [fill, stroke]: [string, string] =
    g.kind === 'kernel' ? ['#172235', '#4fa3ff'] : g.kind === 'backward' ? [BACKWARD[0], BACKWARD[1]] : g.pass === 'update' ? [UPDATE[0], UPDATE[1]] : g.pass === 'forward' ? [FORWARD[0], FORWARD[1]] : ['#1a1e25', '#59616e'];
  if (colorBy === 'time' && g.ms !== undefined) [fill, stroke] = heat(heatOf(g.ms, scale.max));
  const d = colorBy === 'device' ? deviceColours(g) : undefined;
  if (d) [fill, stroke] = d;
  return { fill, stroke, text: TEXT, sub: DIM, dash: g.status === 'folded' ? '5 3' : undefined };
}

/** Open groups (boxes around members): fused kernels stand out, source-line groups stay quiet. */
export function groupStyle(g: GGroup, colorBy: ColorBy, scale: Scale): { fill: string; stroke: string; dash?: string; text: string } {
  // The backward pass's box (and its per-line parts) stands out in every colouring.
  if (g.kind === 'backward') return { fill: g.parent ? 'rgba(247,120,186,0.035)' : 'rgba(247,120,186,0.05)', stroke: BACKWARD[1], dash: g.parent ? '4 4' : undefined, text: '#f9a8d4' };
  // A training step's update (the optimizer's scope) and forward groups likewise.
  if (g.pass === 'update') return { fill: 'rgba(181,229,80,0.04)', stroke: UPDATE[1], text: '#d4f28f' };
  if (g.pass === 'forward') return { fill: 'rgba(108,182,255,0.035)', stroke: FORWARD[1], text: '#9ccbff' };
  if (g.kind !== 'kernel') return { fill: 'rgba(255,255,255,0.025)', stroke: '#3b424d', dash: '4 4', text: DIM };
  if (colorBy === 'time' && g.ms !== undefined) {
    const [, s] = heat(heatOf(g.ms, scale.max));
    return { fill: 'rgba(79,163,255,0.05)', stroke: s, text: TEXT };
  }
  // By device, a fused kernel's box takes its device's colour (its members share it).
  const d = colorBy === 'device' && g.status !== 'folded' ? deviceColours(g) : undefined;
  if (d) return { fill: `color-mix(in srgb, ${d[1]} 7%, transparent)`, stroke: d[1], text: d[1] };
  return g.status === 'folded'
    ? { fill: 'rgba(138,148,166,0.06)', stroke: '#7d8694', dash: '6 4', text: '#b1bac4' }
    : { fill: 'rgba(79,163,255,0.07)', stroke: '#4fa3ff', text: '#9ccbff' };
}
