// Checks of the library module's text, shared by the specs of the built file and of the dev server's.
import { parseSync } from 'vite';

/**
 * Every module the code would load: static imports, re-exports and dynamic imports (by their source text).
 * A self-contained module has none: no bare specifier a browser cannot resolve, no Node built-in, no chunk.
 */
export function moduleRequests(code: string): string[] {
  const { module: m, errors } = parseSync('wgflow.js', code);
  if (errors.length) throw new Error(`wgflow.js does not parse: ${errors.map((e) => e.message).join('; ')}`);
  return [
    ...m.staticImports.map((i) => `import ${i.moduleRequest.value}`),
    ...m.staticExports.flatMap((e) => e.entries.filter((x) => x.moduleRequest).map((x) => `export from ${x.moduleRequest!.value}`)),
    ...m.dynamicImports.map((d) => `import(${code.slice(d.moduleRequest.start, d.moduleRequest.end)})`),
  ];
}

/** What the playground bundles and the engine must never carry: React, Monaco, elkjs (graph layout). */
export const PLAYGROUND_MARKERS = [
  /react\.(transitional\.)?element/, // React's element type tags
  /__REACT_DEVTOOLS|react-dom/,
  /monaco/i,
  /org\.eclipse\.elk|elkjs/,
];

/** The markers found in `code` (none expected). */
export function playgroundCode(code: string): string[] {
  return PLAYGROUND_MARKERS.filter((re) => re.test(code)).map(String);
}
