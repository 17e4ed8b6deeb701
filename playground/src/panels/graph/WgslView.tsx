// A kernel's generated WGSL, read-only, highlighted by the playground's Monaco (its tokenizer and theme, with
// the WGSL grammar in wgsl.ts) through monaco.editor.colorize rather than a second editor instance: an editor
// created after Monaco's lazily loaded TypeScript mode has registered its contributions fails to find their
// services (ICodeLensCache, IInlayHintsCache…) and reports errors; colorize needs no editor services.
//
// The WGSL is the frame's to report, so a snippet chooses it (issue 26): it is never inserted as HTML. colorize
// returns HTML, which is only read here for its token boundaries and colour classes (parsed by DOMParser, whose
// documents run no scripts and load nothing); the characters shown are sliced from `code` itself and rendered
// as React text. A line whose tokens do not add up to it exactly is shown uncoloured.
import { useEffect, useState } from 'react';
import { registerWgsl } from './wgsl';

/** A piece of a line: Monaco's token classes ('mtk7', 'mtk5 mtki') and how many characters of the line. */
type Piece = [cls: string, length: number];

/** Monaco's token classes: a colour (mtkN) and font styles (italic, bold, underline, strikethrough). */
const TOKEN_CLASS = /^mtk\d+(?: mtk[ibus])*$/;

/**
 * The token pieces of every line, read from colorize's HTML (one <span> of token <span>s per line, lines
 * separated by <br/>), or undefined where a line's pieces do not cover it exactly (tabs, characters Monaco
 * renders as something else) or the lines do not match.
 */
function tokenPieces(html: string, lines: string[]): (Piece[] | undefined)[] | undefined {
  const body = new DOMParser().parseFromString(`<!doctype html><body>${html}`, 'text/html').body;
  const rows = [...body.children].filter((e) => e.tagName === 'SPAN');
  if (rows.length < lines.length) return undefined;
  return lines.map((line, i) => {
    const pieces: Piece[] = [];
    for (const t of rows[i]!.childNodes) {
      if (!(t instanceof Element) || t.tagName !== 'SPAN' || t.children.length > 0) return undefined;
      const cls = t.getAttribute('class') ?? '';
      if (!TOKEN_CLASS.test(cls)) return undefined;
      pieces.push([cls, (t.textContent ?? '').length]);
    }
    // Spaces come back as no-break spaces.
    return (rows[i]!.textContent ?? '').replace(/\u00a0/g, ' ') === line ? pieces : undefined;
  });
}

/** One line: its own characters, in the colours of its pieces. */
function Line({ line, pieces }: { line: string; pieces: Piece[] | undefined }) {
  if (!pieces) return <span className="gv-lc">{line}</span>;
  let at = 0;
  return (
    <span className="gv-lc">
      {pieces.map(([cls, n], j) => (
        <span key={j} className={cls}>
          {line.slice(at, (at += n))}
        </span>
      ))}
    </span>
  );
}

export function WgslView({ code, label }: { code: string; label: string }) {
  const [pieces, setPieces] = useState<(Piece[] | undefined)[] | undefined>();
  const text = code.replace(/\n$/, '');
  const lines = text.split('\n');

  useEffect(() => {
    let live = true;
    setPieces(undefined);
    import('../../editor/monaco')
      .then(async ({ monaco }) => {
        registerWgsl(monaco);
        const html = await monaco.editor.colorize(text, 'wgsl', { tabSize: 2 });
        if (live) setPieces(tokenPieces(html, text.split('\n')));
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [text]);

  const gutter = String(lines.length).length;
  return (
    <div className="gv-wgsl monaco-editor-background" data-testid="node-wgsl" data-kernel={label} data-highlighted={pieces ? 'true' : 'false'} role="region" aria-label={`WGSL of ${label}`} tabIndex={0}>
      <pre className="gv-wgsl-code">
        {lines.map((l, i) => (
          <div key={i} className="gv-wgsl-line">
            <span className="gv-ln" style={{ width: `${gutter + 1}ch` }} aria-hidden="true">
              {i + 1}
            </span>
            <Line line={l} pieces={pieces?.[i]} />
          </div>
        ))}
      </pre>
    </div>
  );
}
