// Generates what the op registry (engine/api/registry.ts) implies but TypeScript cannot derive by itself:
// the public export list with each op's doc comment and declared signature, the Tensor method declarations
// (engine/api/ops.gen.ts, methods.gen.ts), and the op table in docs/ops.md. Run by `npm run gen:ops`; the Node test
// tests/node/ops_registry.test.ts fails when either output is stale.
import type { OpDef } from '../engine/api/define';
import { RETURN_TYPES, type OpFamily, type OpNamespace, memberName, signatureOf } from '../engine/ops/registry';

/** Where each type named in a signature comes from, relative to engine/api/. */
const TYPE_IMPORTS: Record<string, string> = {
  Tensor: '../core/tensor',
  DeviceName: '../core/tensor',
  DType: '../core/dtype',
  Axis: './reduce',
  TensorValues: './creation',
  DeviceSpec: './devices',
  VariableOptions: './state',
  TensorLike: './ops',
  FusedConv2DArgs: './conv',
  FusedMatMulArgs: './conv',
  PixelSource: './browser',
};

const FAMILY_ORDER: OpFamily[] = ['creation', 'elementwise', 'movement', 'reduce', 'linalg', 'nn', 'conv', 'image', 'state', 'device'];
const FAMILY_TITLE: Record<OpFamily, string> = {
  creation: 'Creation',
  elementwise: 'Elementwise',
  movement: 'Shape and movement',
  reduce: 'Reductions and scans',
  linalg: 'Linear algebra',
  nn: 'Neural networks',
  conv: 'Convolution',
  image: 'Images',
  state: 'State and side effects',
  device: 'Devices',
};

const NAMESPACE_DOC: Record<OpNamespace, string> = {
  fused: 'Fused ops (TensorFlow.js\'s `tf.fused`): a product or convolution with its bias and activation in one kernel.',
  image: 'Image ops (TensorFlow.js\'s `tf.image`).',
  browser: 'Pixels in and out of tensors (TensorFlow.js\'s `tf.browser`): the registry\'s fromPixels.',
};

function typesIn(text: string): string[] {
  return Object.keys(TYPE_IMPORTS).filter((t) => new RegExp(`\\b${t}\\b`).test(text));
}

/** The `import type` lines for the types a generated body names. */
function typeImports(body: string): string[] {
  const froms = new Map<string, string[]>();
  for (const t of typesIn(body)) froms.set(TYPE_IMPORTS[t], [...(froms.get(TYPE_IMPORTS[t]) ?? []), t]);
  return [...froms].map(([from, ts]) => `import type { ${ts.join(', ')} } from '${from}';`);
}

const header = (what: string) => [
  '// GENERATED from the op registry (engine/api/registry.ts) by `npm run gen:ops`: do not edit.',
  `// ${what} tests/node/ops_registry.test.ts fails when this file is stale.`,
];

const sortedNames = (defs: Record<string, OpDef>) => Object.keys(defs).sort((a, b) => a.localeCompare(b));

/** engine/api/ops.gen.ts: every op's public function with its doc and declared signature, and OpName. */
export function generateOpsModule(defs: Record<string, OpDef>): string {
  const names = sortedNames(defs);
  const lines = [
    "/** Every op's name: model importers and exporters key their op tables by it (`satisfies Record<OpName, …>`). */",
    `export type OpName =\n${names.map((n) => `  | '${n}'`).join('\n')};`,
  ];
  const spaces = new Map<OpNamespace, string[]>();
  for (const name of names) {
    const def = defs[name];
    const sig = signatureOf(name, def);
    const fnType = `(${sig.slice(name.length + 1, sig.lastIndexOf('): '))}) => ${RETURN_TYPES[def.returns]}`;
    if (def.namespace) {
      const member = memberName(name, def.namespace);
      spaces.set(def.namespace, [...(spaces.get(def.namespace) ?? []), `  /** ${def.doc} */`, `  readonly ${member}: ${fnType};`]);
      continue;
    }
    lines.push(`/** ${def.doc} */`, `export const ${name}: ${fnType} = OPS.${name};`);
    for (const alias of def.aliases ?? []) lines.push(`/** ${def.doc} (alias of ${name}) */`, `export const ${alias} = ${name};`);
  }
  for (const [ns, members] of [...spaces].sort(([a], [b]) => a.localeCompare(b))) {
    const inits = names.filter((n) => defs[n].namespace === ns).map((n) => `${memberName(n, ns)}: OPS.${n}`);
    lines.push(`/** ${NAMESPACE_DOC[ns]} */`, `export const ${ns}: {`, ...members, `} = { ${inits.join(', ')} };`);
  }
  const body = lines.join('\n');
  return [
    ...header('Each public function is declared with its schema\'s signature (the compiler checks the implementation).'),
    ...typeImports(body),
    "import { OPS } from './registry';",
    '',
    body,
    '',
  ].join('\n');
}

/** engine/api/methods.gen.ts: the Tensor methods' declarations (registry.ts installs them). */
export function generateMethodsModule(defs: Record<string, OpDef>): string {
  const lines: string[] = [];
  for (const name of sortedNames(defs)) {
    const def = defs[name];
    if (def.method) lines.push(`    /** ${def.doc} */`, `    ${signatureOf(name, def, 1)};`);
  }
  const methods = sortedNames(defs).filter((n) => defs[n].method);
  const body = [
    '/** The ops that are also Tensor methods. */',
    `export type MethodName =\n${methods.map((n) => `  | '${n}'`).join('\n')};`,
    '',
    "declare module '../core/tensor' {",
    '  interface Tensor {',
    ...lines,
    '  }',
    '}',
  ].join('\n');
  return [...header('The Tensor methods: `x.op(...rest)` is `op(x, ...rest)`.'), ...typeImports(body), '', body, ''].join('\n');
}

/** The generated table of docs/ops.md: every op by family, with its signature and fixture case count. */
export function generateOpsTable(defs: Record<string, OpDef>, fixtureCases: Map<string, number>): string {
  const out: string[] = [];
  for (const fam of FAMILY_ORDER) {
    const names = Object.keys(defs).filter((n) => defs[n].family === fam);
    if (names.length === 0) continue;
    out.push(`### ${FAMILY_TITLE[fam]}`, '', '| op | signature | method | gradient | fixtures | what it does |', '| --- | --- | --- | --- | --- | --- |');
    for (const name of names) {
      const def = defs[name];
      const sig = signatureOf(name, def).replace(/\|/g, '\\|');
      const aliases = def.aliases?.length ? ` (alias ${def.aliases.map((a) => `\`${a}\``).join(', ')})` : '';
      const shown = def.namespace ? `${def.namespace}.${memberName(name, def.namespace)}` : name;
      const row = [
        `\`${shown}\`${aliases}`,
        `\`${sig}\``,
        def.method ? 'yes' : '',
        def.differentiable ? 'yes' : '',
        String(fixtureCases.get(name) ?? fixtureCases.get(shown) ?? ''), // namespaced fixtures name the op as called (fused.conv2d)
        def.doc.replace(/\|/g, '\\|'),
      ];
      out.push(`| ${row.join(' | ')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

export const TABLE_BEGIN = '<!-- ops table: generated by `npm run gen:ops` from engine/api/registry.ts; do not edit -->';
export const TABLE_END = '<!-- end of ops table -->';

/** docs/ops.md with its generated table replaced. */
export function withOpsTable(markdown: string, table: string): string {
  const a = markdown.indexOf(TABLE_BEGIN);
  const b = markdown.indexOf(TABLE_END);
  if (a < 0 || b < a) throw new Error(`docs/ops.md: the markers "${TABLE_BEGIN}" … "${TABLE_END}" are missing`);
  return `${markdown.slice(0, a + TABLE_BEGIN.length)}\n\n${table}\n${markdown.slice(b)}`;
}

