// The legend in the drawing's corner: what the colours mean in the current colouring (op kinds, the heat
// scale of kernel times, or devices), with copies between devices and fused kernels when the drawing has them.
import { BACKWARD, DEVICE, PALETTE, UPDATE, heat, type ColorBy, type Scale } from './colors';
import { fmtMs } from '../format';
import { devicesOf, type GraphModel } from './model';

export function Legend({ colorBy, scale, model }: { colorBy: ColorBy; scale: Scale; model: GraphModel }) {
  const present = new Set(model.nodes.map((n) => (n.kind === 'op' ? (n.kernelKind ?? 'other') : n.kind)));
  const hasKernelGroup = model.groups.some((g) => g.kind === 'kernel');
  const hasTransfers = model.nodes.some((n) => n.kind === 'transfer');
  const hasBackward = model.nodes.some((n) => n.grad);
  const hasUpdate = model.nodes.some((n) => n.update);
  let items: [string, string, string, string?][] = [];
  if (colorBy === 'kind') {
    const order = ['placeholder', 'variable', 'constant', 'capture', 'input', 'elementwise', 'reduce', 'matmul', 'conv', 'scan', 'transfer', 'other', 'effect'] as const;
    items = order.filter((k) => present.has(k)).map((k) => [k === 'effect' ? 'side effect' : k, PALETTE[k][0], PALETTE[k][1]]);
  } else if (colorBy === 'device') {
    const devices = devicesOf(model);
    items = (['webgpu', 'cpu'] as const).filter((d) => devices.has(d)).map((d) => [d, DEVICE[d][0], DEVICE[d][1]]);
    if (hasTransfers) items.push(['transfer', DEVICE.transfer[0], DEVICE.transfer[1]]);
    if (model.nodes.some((n) => n.kind !== 'transfer' && !n.device)) items.push(['no kernel', '#1a1d23', '#4a525e']);
  } else if (hasTransfers) {
    items = [['transfer', PALETTE.transfer[0], PALETTE.transfer[1]]];
  }
  return (
    <div className="gv-legend" data-testid="graph-legend" data-color-by={colorBy}>
      {colorBy === 'time' && (
        scale.max > 0 ? (
          <span className="gv-heat">
            <span>0</span>
            <span className="gv-ramp" style={{ background: `linear-gradient(90deg, ${[0, 0.25, 0.5, 0.75, 1].map((t) => heat(t)[0]).join(', ')})` }} />
            <span>{fmtMs(scale.max)}</span>
          </span>
        ) : (
          <span className="dim">no kernel times in this run</span>
        ))}
      {items.map(([label, fill, stroke]) => (
        <span key={label} className={`gv-key${label === 'transfer' ? ' gv-key-transfer' : ''}`} data-key={label}>
          <i style={{ background: fill, borderColor: stroke }} />
          {label}
        </span>
      ))}
      {hasBackward && (
        <span className="gv-key" data-key="backward" title="Ops of a backward pass (wg.grad, a GradientTape, wg.gradients): each computes part of the gradient of a forward op. By kind their fill is this colour and their outline their kernel family; their group box is outlined in it in every colouring.">
          <i style={{ background: colorBy === 'kind' ? BACKWARD[0] : 'transparent', borderColor: BACKWARD[1] }} />
          backward (gradient)
        </span>
      )}
      {hasUpdate && (
        <span className="gv-key" data-key="update" title="Ops of an optimizer's update (made under its name scope: Adam, SGD, …): they change the variables and the optimizer's state. By kind their fill is this colour; their scope's box is outlined in it.">
          <i style={{ background: colorBy === 'kind' ? UPDATE[0] : 'transparent', borderColor: UPDATE[1] }} />
          update (optimizer)
        </span>
      )}
      {hasKernelGroup && (
        <span className="gv-key">
          <i className="gv-key-group" />
          fused kernel
        </span>
      )}
    </div>
  );
}
