// The playground's bounded output (playground/src/runner/output_log.ts): what the screen shows and what the
// download keeps, at any number of lines.
import { describe, expect, it } from 'vitest';
import { HEAD_LINES, LOG_CHARS, LOG_LINES, OutputLog, TAIL_LINES } from '../../playground/src/runner/output_log';

const fill = (log: OutputLog, n: number, from = 0) => {
  for (let i = from; i < from + n; i++) log.push({ level: 'log', text: String(i) });
};

describe('OutputLog', () => {
  it('shows every line of a short output, in order, with no marker', () => {
    const log = new OutputLog();
    fill(log, 10);
    expect(log.lines().map((l) => l.text)).toEqual(Array.from({ length: 10 }, (_, i) => String(i)));
    expect(log.hidden).toBe(0);
    expect(log.text()).toBe(Array.from({ length: 10 }, (_, i) => `${i}\n`).join(''));
  });

  it('shows the first and last lines of a flood, a marker with the count between, and keys that do not move', () => {
    const log = new OutputLog();
    const n = 200_000;
    fill(log, n);
    const lines = log.lines();
    expect(lines).toHaveLength(HEAD_LINES + 1 + TAIL_LINES);
    expect(lines[0].text).toBe('0');
    expect(lines[HEAD_LINES - 1].text).toBe(String(HEAD_LINES - 1));
    expect(lines[HEAD_LINES]).toMatchObject({ level: 'omitted', text: `… ${(n - HEAD_LINES - TAIL_LINES).toLocaleString('en-US')} lines not shown …` });
    expect(lines.at(-1)!.text).toBe(String(n - 1));
    expect(lines[HEAD_LINES + 1].text).toBe(String(n - TAIL_LINES));
    for (const l of lines) if (l.level !== 'omitted') expect(l.seq).toBe(Number(l.text));
    // The download has every line (200,000 short lines are under its caps).
    const text = log.text().split('\n');
    expect(text).toHaveLength(n + 1);
    expect(text[123_456]).toBe('123456');
  });

  it('counts lines the frame skipped, and the download says how many it left out', () => {
    const log = new OutputLog();
    fill(log, 5);
    log.skip(1000);
    fill(log, 3, 1005);
    expect(log.count).toBe(1008);
    expect(log.lines().map((l) => l.text)).toEqual(['0', '1', '2', '3', '4', '… 1,000 lines not shown …', '1005', '1006', '1007']);
    expect(log.lines().at(-1)!.seq).toBe(1007);
    const text = log.text();
    expect(text.startsWith('0\n1\n2\n3\n4\n[… 1,000 lines not kept')).toBe(true);
    expect(text.endsWith('1005\n1006\n1007\n')).toBe(true);
  });

  it('caps the download by lines and by characters', () => {
    const log = new OutputLog();
    fill(log, LOG_LINES + 5000);
    const text = log.text().split('\n');
    expect(text.length).toBeLessThan(LOG_LINES + TAIL_LINES + 3);
    expect(text[LOG_LINES]).toMatch(/^\[… 4,000 lines not kept/);
    expect(text.at(-2)).toBe(String(LOG_LINES + 4999));

    const wide = new OutputLog();
    const line = 'x'.repeat(100_000);
    for (let i = 0; i < 200; i++) wide.push({ level: 'log', text: line });
    expect(wide.text().length).toBeLessThan(LOG_CHARS + (TAIL_LINES + 1) * 100_001 + 1000);
    expect(wide.text()).toMatch(/lines not kept/);
  });

  it('updates a kept image line in place, and leaves lines no longer kept alone', () => {
    const log = new OutputLog();
    log.push({ level: 'image', text: 'image "a" (drawing…)', image: { id: 0, label: 'a' } });
    fill(log, HEAD_LINES + 3 * TAIL_LINES);
    log.update((l) => l.image?.id === 0, (l) => ({ ...l, text: 'image "a" not shown: gone' }));
    expect(log.lines()[0]).toMatchObject({ seq: 0, text: 'image "a" not shown: gone' });
  });
});
