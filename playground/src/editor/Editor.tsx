// The code editor: Monaco, loaded lazily (its chunk and workers load with this component), with wgflow's
// types for IntelliSense, Ctrl/Cmd+Enter to run, and markers for errors reported by runs.
import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';
import type { Emitted } from './monaco';

export interface EditorHandle {
  getValue(): string;
  setValue(code: string): void;
  /** JavaScript for the current snippet (with a source map back to it). */
  emit(): Promise<Emitted>;
  /** Marks a run's error on its line (and clears the previous one); undefined clears. */
  setRunMarker(m: { line: number; column: number; message: string } | undefined): void;
  revealLine(line: number, column?: number): void;
  focus(): void;
}

interface Props {
  initialCode: string;
  onChange(code: string): void;
  onRun(): void;
  onReady?(): void;
}

type MonacoModule = typeof import('./monaco');

export const Editor = forwardRef<EditorHandle, Props>(function Editor({ initialCode, onChange, onRun, onReady }, ref) {
  const host = useRef<HTMLDivElement>(null);
  const api = useRef<{ m: MonacoModule; editor: import('monaco-editor/editor/editor.api.js').editor.IStandaloneCodeEditor } | undefined>(undefined);
  const pending = useRef<string | undefined>(undefined);
  const [status, setStatus] = useState<'loading' | 'ready' | 'failed'>('loading');
  const [error, setError] = useState('');
  // Latest callbacks without recreating the editor.
  const cb = useRef({ onChange, onRun, onReady });
  cb.current = { onChange, onRun, onReady };

  useEffect(() => {
    let disposed = false;
    let cleanup = () => {};
    import('./monaco')
      .then(async (m) => {
        await m.loadEngineTypes().catch((e) => console.warn(String(e)));
        // The model importer's types ('wgflow/tfjs'): not awaited, the editor need not wait for them.
        void m.loadTfjsTypes().catch((e) => console.warn(String(e)));
        if (disposed || !host.current) return;
        const { monaco } = m;
        const model = monaco.editor.getModel(m.SNIPPET_URI) ?? monaco.editor.createModel(pending.current ?? initialCode, 'typescript', m.SNIPPET_URI);
        if (pending.current !== undefined) model.setValue(pending.current);
        const editor = monaco.editor.create(host.current, {
          model,
          theme: 'vs-dark',
          automaticLayout: true,
          minimap: { enabled: false },
          fontSize: 14,
          scrollBeyondLastLine: false,
          tabSize: 2,
          renderLineHighlight: 'all',
          fixedOverflowWidgets: true,
        });
        editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => cb.current.onRun());
        const sub = model.onDidChangeContent(() => {
          cb.current.onChange(model.getValue());
          monaco.editor.setModelMarkers(model, 'run', []);
        });
        // The editor's current problems, as data on its element (tests read them; screen readers get Monaco's own).
        const markers = monaco.editor.onDidChangeMarkers(() => {
          const list = monaco.editor.getModelMarkers({ resource: model.uri });
          host.current?.setAttribute('data-markers', JSON.stringify(list.map((k) => ({ line: k.startLineNumber, owner: k.owner, message: k.message }))));
        });
        api.current = { m, editor };
        setStatus('ready');
        cb.current.onReady?.();
        cleanup = () => {
          sub.dispose();
          markers.dispose();
          editor.dispose();
        };
      })
      .catch((e) => {
        setStatus('failed');
        setError(String(e));
      });
    return () => {
      disposed = true;
      cleanup();
    };
    // The editor is made once; later code changes go through setValue.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useImperativeHandle(ref, () => ({
    getValue: () => api.current?.editor.getValue() ?? pending.current ?? initialCode,
    setValue: (code) => {
      if (api.current) api.current.editor.getModel()!.setValue(code);
      else pending.current = code;
    },
    emit: async () => {
      if (!api.current) throw new Error('the editor is still loading');
      return api.current.m.emit(api.current.editor.getModel()!);
    },
    setRunMarker: (mk) => {
      if (!api.current) return;
      const { monaco } = api.current.m;
      const model = api.current.editor.getModel()!;
      monaco.editor.setModelMarkers(
        model,
        'run',
        mk
          ? [
              {
                severity: monaco.MarkerSeverity.Error,
                message: mk.message,
                startLineNumber: mk.line,
                startColumn: 1,
                endLineNumber: mk.line,
                endColumn: model.getLineMaxColumn(Math.min(Math.max(mk.line, 1), model.getLineCount())),
              },
            ]
          : [],
      );
      if (mk) api.current.editor.revealLineInCenterIfOutsideViewport(mk.line);
    },
    revealLine: (line, column = 1) => {
      if (!api.current) return;
      api.current.editor.revealLineInCenter(line);
      api.current.editor.setPosition({ lineNumber: line, column });
      api.current.editor.focus();
    },
    focus: () => api.current?.editor.focus(),
  }));

  return (
    <div className="editor" data-status={status}>
      {status !== 'ready' && <div className="editor-status">{status === 'loading' ? 'Loading the editor…' : `The editor failed to load: ${error}`}</div>}
      <div ref={host} className="editor-host" data-testid="editor" />
    </div>
  );
});
