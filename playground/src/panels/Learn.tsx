// Placeholder while this panel is being written (replaced in the same change set; never shipped as is).
import type { Mode } from '../runner/host';

export function LearnPanel(_props: { onOpen(code: string, mode: Mode): void }) {
  return <p className="hint">This panel is being built.</p>;
}
