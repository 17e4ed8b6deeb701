// Placeholder while this panel is being written (replaced in the same change set; never shipped as is).
import type { PanelProps } from './types';

export function OptimisationsPanel(_props: PanelProps & { optimizations: Record<string, boolean>; onChange(o: Record<string, boolean>): void; onRerun(optimizations: Record<string, boolean>): void; running: boolean }) {
  return <p className="hint">This panel is being built.</p>;
}
