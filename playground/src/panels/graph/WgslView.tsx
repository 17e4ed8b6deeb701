// A kernel's generated WGSL, read-only, highlighted by the playground's Monaco (its tokenizer and theme, with
// the WGSL grammar in wgsl.ts) through monaco.editor.colorize rather than a second editor instance: an editor
// created after Monaco's lazily loaded TypeScript mode has registered its contributions fails to find their
// services (ICodeLensCache, IInlayHintsCache…) and reports errors; colorize needs no editor services.
import { useEffect, useState } from 'react';
import { registerWgsl } from './wgsl';

export function WgslView({ code, label }: { code: string; label: string }) {
  const [html, setHtml] = useState<string[] | undefined>();
  const lines = code.replace(/\n$/, '').split('\n');

  useEffect(() => {
    let live = true;
    setHtml(undefined);
    import('../../editor/monaco')
      .then(async ({ monaco }) => {
        registerWgsl(monaco);
        // colorize escapes the text (it renders through Monaco's view-line renderer).
        const out = await monaco.editor.colorize(code.replace(/\n$/, ''), 'wgsl', { tabSize: 2 });
        const rows = out.split('<br/>');
        if (live && rows.length >= lines.length) setHtml(rows.slice(0, lines.length));
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
    // `lines` derives from code.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [code]);

  const gutter = String(lines.length).length;
  return (
    <div className="gv-wgsl monaco-editor-background" data-testid="node-wgsl" data-kernel={label} data-highlighted={html ? 'true' : 'false'} role="region" aria-label={`WGSL of ${label}`} tabIndex={0}>
      <pre className="gv-wgsl-code">
        {lines.map((l, i) => (
          <div key={i} className="gv-wgsl-line">
            <span className="gv-ln" style={{ width: `${gutter + 1}ch` }} aria-hidden="true">
              {i + 1}
            </span>
            {html ? <span className="gv-lc" dangerouslySetInnerHTML={{ __html: html[i]! }} /> : <span className="gv-lc">{l}</span>}
          </div>
        ))}
      </pre>
    </div>
  );
}
