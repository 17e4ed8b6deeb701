// Monaco, set up for wgflow snippets (loaded lazily: this module and its chunk only load with the editor).
// - Only the editor core, the TypeScript language service and TypeScript highlighting are bundled.
// - Workers come from Vite's `?worker` imports, so they are same-origin chunks of the built site.
// - IntelliSense knows exactly the public API: the bundled dist/wgflow.d.ts (served beside the page) is
//   added as the `wgflow` module and exposed as the global namespace `wg` (values and types: `wg.Tensor`).
//   'wgflow/tfjs' (the model importer) gets its declarations the same way: dist/tfjs/*.d.ts, followed from
//   tfjs/index.d.ts by their relative imports, as node_modules/wgflow/tfjs/ (their '../wgflow.js' is the core).
// - Snippets are emitted to JavaScript by the same TypeScript worker, with a source map (positions in the
//   emitted code map back to the snippet's lines).
import * as monaco from 'monaco-editor/editor/editor.api.js';
import * as tsLang from 'monaco-editor/languages/features/typescript/register.js';
import 'monaco-editor/languages/definitions/typescript/register.js';
import EditorWorker from 'monaco-editor/editor/editor.worker.js?worker';
import TsWorker from 'monaco-editor/languages/features/typescript/ts.worker.js?worker';
import { parseSourceMap, type LineMap } from '../sourcemap';

(self as unknown as { MonacoEnvironment: monaco.Environment }).MonacoEnvironment = {
  getWorker: (_id: string, label: string) => (label === 'typescript' || label === 'javascript' ? new TsWorker() : new EditorWorker()),
};

export { monaco };

const ts = tsLang.typescriptDefaults;
ts.setCompilerOptions({
  target: tsLang.ScriptTarget.ES2020 + 2, // ES2022 (the enum stops at ES2020 + ESNext)
  module: tsLang.ModuleKind.ESNext,
  moduleResolution: tsLang.ModuleResolutionKind.NodeJs,
  strict: true,
  noEmitOnError: false,
  sourceMap: true,
  allowUmdGlobalAccess: true,
  // A snippet is a module (top-level await is allowed) even though it has no import or export.
  moduleDetection: 3,
} as Parameters<typeof ts.setCompilerOptions>[0]);
// Errors (syntax and types) are underlined; TypeScript's suggestions (dotted hints) are left out.
ts.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false, noSuggestionDiagnostics: true });
ts.setEagerModelSync(true);

let libsLoaded: Promise<void> | undefined;

/** Adds the engine's declarations (fetched once from beside the page). */
export function loadEngineTypes(url = new URL('wgflow.d.ts', document.baseURI).href): Promise<void> {
  libsLoaded ??= fetch(url)
    .then((r) => {
      if (!r.ok) throw new Error(`could not load the engine's types (${url}: HTTP ${r.status})`);
      return r.text();
    })
    .then((dts) => {
      ts.addExtraLib(`${dts}\nexport as namespace wg;\n`, 'file:///node_modules/wgflow/index.d.ts');
      // dist/tfjs/*.d.ts import the core as '../wgflow.js' (dist/wgflow.d.ts beside them).
      ts.addExtraLib(`export * from './index';\n`, 'file:///node_modules/wgflow/wgflow.d.ts');
      ts.addExtraLib(
        [
          // The frame's globals. print: an overload of the DOM's window.print() (function declarations merge),
          // so `print(x)` is wg.print; canvas and report: frame.js's canvas() and report().
          '/** Prints strings, numbers and tensors (NumPy style), in program order: wgflow\'s `wg.print`. */',
          'declare function print(...values: unknown[]): Promise<void>;',
          '/**',
          ' * A canvas that the Output panel shows, in its place among the printed lines, with `label` and its size.',
          ' * Draw on it with the 2D API, or give it to `wg.browser.toPixels(tensor, canvas)` (which sizes it to the',
          ' * tensor). It is shown as it is when the snippet ends: `await` the toPixels calls. At most 32 per run,',
          ' * 4096 pixels a side and 4 megapixels. Without a size it is 300×150, like a new <canvas>.',
          ' */',
          'declare function canvas(label?: string): HTMLCanvasElement;',
          'declare function canvas(width: number, height: number, label?: string): HTMLCanvasElement;',
          '/**',
          ' * The model that "Open model…" read from files or a URL: model.json\'s text and its weight shards, posted with',
          ' * each run. Load it with `loadGraphModel(openedModel)` from \'wgflow/tfjs\'. Reading it when no model is open throws.',
          ' */',
          "declare const openedModel: import('wgflow/tfjs').InMemoryModel & { readonly name: string };",
          '/**',
          ' * Reports one point of a training run to the page: the Output panel draws the loss and accuracy as they',
          ' * come, shows the step, and keeps the step time (ms per step, measured by the snippet) of the last run in',
          ' * each mode, with their ratio. Plain numbers only (read a loss with `(await loss.data())[0]`); at most',
          ' * 20,000 points a run.',
          ' */',
          'declare function report(point: { step: number; loss?: number; accuracy?: number; stepMs?: number; tensors?: number }): void;',
        ].join('\n'),
        'file:///node_modules/@types/wgflow-playground/index.d.ts',
      );
    });
  libsLoaded.catch(() => (libsLoaded = undefined));
  return libsLoaded;
}

let tfjsLoaded: Promise<void> | undefined;

/** Adds wgflow/tfjs's declarations: tfjs/index.d.ts beside the page and the files it imports, fetched once. */
export function loadTfjsTypes(base = new URL('tfjs/', document.baseURI).href): Promise<void> {
  tfjsLoaded ??= (async () => {
    const seen = new Set<string>();
    const visit = async (rel: string): Promise<void> => {
      if (seen.has(rel) || seen.size > 200) return;
      seen.add(rel);
      const url = new URL(rel, base).href;
      const r = await fetch(url);
      if (!r.ok) throw new Error(`could not load wgflow/tfjs's types (${url}: HTTP ${r.status})`);
      const text = await r.text();
      ts.addExtraLib(text, `file:///node_modules/wgflow/tfjs/${rel}`);
      const dir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/') + 1) : '';
      const next = [...text.matchAll(/(?:from\s+|import\()(['"])(\.{1,2}\/[^'"]+)\1/g)]
        .map((m) => new URL(m[2].replace(/\.js$/, ''), `file:///tfjs/${dir}`).pathname)
        // Only the importer's own files: '../wgflow.js' (the core) resolves outside tfjs/.
        .filter((p) => p.startsWith('/tfjs/'))
        .map((p) => `${p.slice('/tfjs/'.length)}.d.ts`);
      await Promise.all(next.map(visit));
    };
    await visit('index.d.ts');
  })();
  tfjsLoaded.catch(() => (tfjsLoaded = undefined));
  return tfjsLoaded;
}

export const SNIPPET_URI = monaco.Uri.parse('file:///snippet.ts');

export interface Emitted {
  js: string;
  map: LineMap | undefined;
  /** TypeScript's errors (syntax and types): shown as markers; a run goes ahead regardless (like `tsc --noEmitOnError false`). */
  diagnostics: { line: number; column: number; message: string }[];
}

/** Emits the snippet model's JavaScript (and source map) with the TypeScript worker. */
/** The TypeScript worker client; the language service registers lazily (on first use of the language). */
async function typeScriptWorker(): Promise<Awaited<ReturnType<typeof tsLang.getTypeScriptWorker>>> {
  for (let waited = 0; ; waited += 100) {
    try {
      return await tsLang.getTypeScriptWorker();
    } catch (e) {
      if (waited >= 15_000) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function emit(model: monaco.editor.ITextModel): Promise<Emitted> {
  const getWorker = await typeScriptWorker();
  const worker = await getWorker(model.uri);
  const out = await worker.getEmitOutput(model.uri.toString());
  const jsFile = out.outputFiles.find((f) => f.name.endsWith('.js'));
  const mapFile = out.outputFiles.find((f) => f.name.endsWith('.js.map'));
  if (!jsFile) throw new Error('TypeScript produced no JavaScript for the snippet');
  // A module without imports/exports gets an `export {};` line; the snippet runs as a function body.
  const js = jsFile.text.replace(/^export \{\};\s*$/m, '').replace(/^\/\/# sourceMappingURL=.*$/m, '');
  const syntactic = await worker.getSyntacticDiagnostics(model.uri.toString());
  const diagnostics = syntactic.map((d) => {
    const p = model.getPositionAt(d.start ?? 0);
    return { line: p.lineNumber, column: p.column, message: typeof d.messageText === 'string' ? d.messageText : d.messageText.messageText };
  });
  return { js, map: mapFile ? parseSourceMap(mapFile.text) : undefined, diagnostics };
}
