// Snippets may import the playground's two modules as a page would: `import * as wg from 'wgflow'` and
// `import { loadGraphModel } from 'wgflow/tfjs'`. A snippet runs as a function body in the sandbox frame, where
// an import declaration is a syntax error, so the emitted JavaScript's import declarations become reads of the
// modules the frame was given (`__import('wgflow/tfjs')`, a parameter of the frame's function), each on the
// lines the declaration took (the source map stays exact). The host posts the tfjs module only when a snippet
// imports it.

/** The modules a snippet may import; 'wgflow' is the engine, in scope as `wg` anyway. */
export const MODULES = ['wgflow', 'wgflow/tfjs'] as const;
export type ModuleName = (typeof MODULES)[number];

export class ImportError extends Error {
  override name = 'ImportError';
}

export interface ResolvedImports {
  /** The code with its import declarations replaced (same line count). */
  code: string;
  /** The modules it imports (beside the engine, always there). */
  modules: Set<ModuleName>;
}

// A static import declaration as TypeScript emits it (possibly over several lines): its clause and module.
const DECLARATION = /^([ \t]*)import\s*(?:([\w$]+)\s*,?\s*)?(\*\s*as\s+[\w$]+|\{[^}]*\})?\s*(?:from\s*)?(['"])([^'"\n]+)\4[ \t]*;?/gm;
// import('wgflow/tfjs') in an expression.
const DYNAMIC = /\bimport\(\s*(['"])([^'"\n]+)\1\s*\)/g;

const known = (m: string): m is ModuleName => (MODULES as readonly string[]).includes(m);
function check(m: string): ModuleName {
  if (!known(m)) throw new ImportError(`the playground cannot import '${m}': a snippet may import ${MODULES.map((x) => `'${x}'`).join(' and ')} only (wg and print are in scope already)`);
  return m;
}

/** Rewrites the import declarations (and import('…') expressions) of emitted JavaScript; throws ImportError for other modules. */
export function resolveImports(js: string): ResolvedImports {
  const modules = new Set<ModuleName>();
  let code = js.replace(DECLARATION, (whole, indent: string, def: string | undefined, clause: string | undefined, _q, spec: string) => {
    const m = check(spec);
    if (m !== 'wgflow') modules.add(m);
    const read = `__import(${JSON.stringify(m)})`;
    const parts: string[] = [];
    if (def) parts.push(`const ${def} = ${read}.default;`);
    if (clause?.startsWith('*')) {
      const name = clause.replace(/^\*\s*as\s+/, '');
      // `wg` is the frame function's parameter already: redeclaring it would be a syntax error.
      if (!(m === 'wgflow' && name === 'wg')) parts.push(`const ${name} = ${read};`);
    } else if (clause) {
      const names = clause
        .slice(1, -1)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((s) => s.replace(/^([\w$]+)\s+as\s+([\w$]+)$/, '$1: $2'));
      if (names.length) parts.push(`const { ${names.join(', ')} } = ${read};`);
    }
    // Keep the declaration's line count: the source map maps emitted lines to the snippet's.
    return indent + parts.join(' ') + '\n'.repeat(whole.split('\n').length - 1);
  });
  code = code.replace(DYNAMIC, (_w, _q, spec: string) => {
    const m = check(spec);
    if (m !== 'wgflow') modules.add(m);
    return `Promise.resolve(__import(${JSON.stringify(m)}))`;
  });
  return { code, modules };
}
