// A run's output as the page keeps it, bounded whatever the snippet prints: the first HEAD lines and the
// last TAIL lines for the screen (with a count of those in between), and the whole text for download up to
// LOG_CHARS / LOG_LINES (then a marker and the last lines). The frame batches what it sends and stops
// sending every line past its own cap (runner/frame.js); `skip` counts the lines it only counted. Each line
// gets a sequence number, a stable React key while the tail slides.

/** One entry of the output: a print or console call, an error, an image, or a line from the playground. */
export interface OutputLine {
  /** Its place in the run's output (0, 1, …, counting lines not kept): a stable key. */
  seq: number;
  level: string;
  text: string;
  /** The length of the text as the snippet printed it, when the frame cut it (runner/frame.js LINE_CHARS). */
  length?: number;
  line?: number;
  column?: number;
  /** An image line (level 'image'); `text` says the same in words (Compare pairs lines by it). */
  image?: ShownImage;
}

/** An image the snippet showed: its label, then its pixels (or why there are none) once the snippet ended. */
export interface ShownImage {
  id: number;
  label: string;
  pixels?: ImageData;
  error?: string;
}

/** The screen shows the first HEAD and the last TAIL lines of a run. */
export const HEAD_LINES = 1000;
export const TAIL_LINES = 1000;
/** The download keeps the run's text up to these (UTF-16 code units, lines), then the last TAIL lines. */
export const LOG_CHARS = 8 << 20;
export const LOG_LINES = 250_000;

export type NewLine = Omit<OutputLine, 'seq'>;

export class OutputLog {
  private head: OutputLine[] = [];
  /** The newest lines past the head; trimmed to TAIL_LINES when it reaches twice that (amortised O(1)). */
  private tail: OutputLine[] = [];
  private total = 0;
  private log: string[] = [];
  private logChars = 0;
  /** Lines left out of the download (past its caps, or only counted by the frame). */
  private logSkipped = 0;

  /** Lines the run produced, kept or not. */
  get count(): number {
    return this.total;
  }

  /** Lines between the head and the tail that the screen does not show. */
  get hidden(): number {
    return this.total - this.head.length - Math.min(this.tail.length, TAIL_LINES);
  }

  push(l: NewLine): OutputLine {
    const line = { ...l, seq: this.total++ };
    if (this.head.length === this.total - 1 && this.head.length < HEAD_LINES) this.head.push(line);
    else {
      this.tail.push(line);
      if (this.tail.length >= 2 * TAIL_LINES) this.tail = this.tail.slice(-TAIL_LINES);
    }
    if (this.logSkipped === 0 && this.log.length < LOG_LINES && this.logChars + line.text.length <= LOG_CHARS) {
      this.log.push(line.text);
      this.logChars += line.text.length + 1;
    } else this.logSkipped++;
    return line;
  }

  /** `n` lines the frame counted but did not send (it keeps sending the newest): later lines go to the tail. */
  skip(n: number): void {
    if (!(n > 0)) return;
    this.total += n;
    this.logSkipped += n;
  }

  /** Replaces a kept line (an image whose pixels came); lines no longer kept are left alone. */
  update(match: (l: OutputLine) => boolean, change: (l: OutputLine) => NewLine): void {
    for (const list of [this.head, this.tail]) {
      const i = list.findIndex(match);
      if (i >= 0) list[i] = { ...change(list[i]), seq: list[i].seq };
    }
  }

  /** Updates every kept line (at the end of a run: images whose pixels never came). */
  updateAll(change: (l: OutputLine) => OutputLine): void {
    this.head = this.head.map(change);
    this.tail = this.tail.map(change);
  }

  /** What the screen shows: the head, then (when lines were left out) a marker line, then the tail. */
  lines(): OutputLine[] {
    const tail = this.tail.length > TAIL_LINES ? this.tail.slice(-TAIL_LINES) : this.tail;
    const hidden = this.hidden;
    if (hidden === 0) return this.head.concat(tail);
    const marker: OutputLine = { seq: -1, level: 'omitted', text: `… ${hidden.toLocaleString('en-US')} lines not shown …` };
    return [...this.head, marker, ...tail];
  }

  /** The whole output as text (for download), capped: past the caps, a marker and the last lines. */
  text(): string {
    if (this.logSkipped === 0) return this.log.join('\n') + '\n';
    const tail = this.tail.slice(-TAIL_LINES).filter((l) => l.seq >= this.log.length);
    const left = this.total - this.log.length - tail.length;
    const note = `[… ${left.toLocaleString('en-US')} lines not kept: the download keeps the first ${this.log.length.toLocaleString('en-US')} lines (at most ${LOG_LINES.toLocaleString('en-US')} lines or ${LOG_CHARS >> 20} MiB) and the last ${tail.length.toLocaleString('en-US')} …]`;
    return [...this.log, note, ...tail.map((l) => l.text)].join('\n') + '\n';
  }
}
