// Placeholder while this panel is being written (replaced in the same change set; never shipped as is).
import type { PanelProps } from '../types';

export function GraphPanel(_props: PanelProps) {
  return <p className="hint">This panel is being built.</p>;
}
