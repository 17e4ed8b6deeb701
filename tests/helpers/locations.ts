// Test helper: check that an error's `location` is the line of the call that made it, in a given test file.
import { expect } from 'vitest';
import type * as WG from '../../engine/index';

/** Line and column of `file`'s frame in a marker Error made on the same line as the bad call. */
export function siteOf(marker: Error, file: string): { line: number; column: number } {
  const escaped = file.replace(/[.]/g, '\\.');
  const m = new RegExp(`${escaped}(?:\\?[^:\\s)]*)?:(\\d+):(\\d+)`).exec(marker.stack ?? '');
  if (!m) throw new Error(`no frame of ${file} in the marker's stack:\n${marker.stack}`);
  return { line: Number(m[1]), column: Number(m[2]) };
}

/** error.location names `file`, the marker's line, a column, and the message ends with it. */
export function expectLocation(e: WG.WgError, marker: Error, file: string): void {
  const site = siteOf(marker, file);
  expect(e.location, 'error.location').toBeDefined();
  const loc = e.location!;
  expect(loc.file.endsWith(file), `${loc.file} ends with ${file}`).toBe(true);
  expect(loc.line).toBe(site.line);
  expect(loc.column).toBeGreaterThan(0);
  expect(e.message).toContain(`${loc.file}:${loc.line}:${loc.column}`);
}
