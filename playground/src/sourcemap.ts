// A minimal source-map reader: maps positions in the JavaScript that TypeScript emitted for a snippet back
// to the snippet's own lines and columns (errors, profile sources and graph nodes all carry emitted positions).

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...B64].map((c, i) => [c, i]));

/** Per generated line (0-based): segments [generatedColumn, sourceLine, sourceColumn], 0-based, sorted. */
export type LineMap = [number, number, number][][];

function decodeVlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const d = DIGIT.get(ch);
    if (d === undefined) throw new Error(`bad VLQ digit ${ch}`);
    value += (d & 31) << shift;
    if (d & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

export function parseSourceMap(json: string): LineMap {
  const map = JSON.parse(json) as { mappings: string };
  const lines: LineMap = [];
  let srcLine = 0;
  let srcCol = 0;
  let src = 0;
  for (const line of map.mappings.split(';')) {
    let genCol = 0;
    const segs: [number, number, number][] = [];
    for (const seg of line.split(',')) {
      if (!seg) continue;
      const v = decodeVlq(seg);
      genCol += v[0];
      if (v.length >= 4) {
        src += v[1];
        srcLine += v[2];
        srcCol += v[3];
        segs.push([genCol, srcLine, srcCol]);
      }
    }
    lines.push(segs);
  }
  return lines;
}

/** 1-based generated line/column → 1-based original line/column (the closest mapping at or before it). */
export function originalPosition(map: LineMap | undefined, line: number, column: number): { line: number; column: number } {
  if (!map) return { line, column };
  for (let l = line - 1; l >= 0 && l < map.length; l--) {
    const segs = map[l];
    if (segs.length === 0) continue;
    let best = l === line - 1 ? undefined : segs[segs.length - 1];
    if (l === line - 1) for (const s of segs) if (s[0] <= column - 1) best = s;
    if (!best && l === line - 1) best = segs[0];
    if (best) return { line: best[1] + 1, column: best[2] + 1 + (l === line - 1 ? Math.max(0, column - 1 - best[0]) : 0) };
  }
  return { line, column };
}
