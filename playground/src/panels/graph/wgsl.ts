// WGSL highlighting for Monaco (it ships no WGSL grammar): a small Monarch tokenizer covering keywords,
// types, attributes, built-in functions, numbers with suffixes and comments — enough to read kernels.
import type * as Monaco from 'monaco-editor/editor/editor.api.js';

const keywords = [
  'alias', 'break', 'case', 'const', 'const_assert', 'continue', 'continuing', 'default', 'diagnostic', 'discard',
  'else', 'enable', 'false', 'fn', 'for', 'if', 'let', 'loop', 'override', 'requires', 'return', 'struct', 'switch',
  'true', 'var', 'while',
];
const types = [
  'array', 'atomic', 'bool', 'f16', 'f32', 'i32', 'u32', 'ptr', 'sampler', 'vec2', 'vec3', 'vec4', 'vec2f', 'vec3f',
  'vec4f', 'vec2i', 'vec3i', 'vec4i', 'vec2u', 'vec3u', 'vec4u', 'vec2h', 'vec3h', 'vec4h', 'mat2x2', 'mat2x3',
  'mat2x4', 'mat3x2', 'mat3x3', 'mat3x4', 'mat4x2', 'mat4x3', 'mat4x4', 'mat2x2f', 'mat3x3f', 'mat4x4f',
];
const qualifiers = ['storage', 'uniform', 'workgroup', 'private', 'function', 'read', 'write', 'read_write'];
const builtins = [
  'abs', 'acos', 'all', 'any', 'asin', 'atan', 'atan2', 'atomicAdd', 'atomicLoad', 'atomicMax', 'atomicMin',
  'atomicStore', 'bitcast', 'ceil', 'clamp', 'cos', 'cosh', 'countOneBits', 'cross', 'degrees', 'distance', 'dot',
  'exp', 'exp2', 'floor', 'fma', 'fract', 'inverseSqrt', 'length', 'log', 'log2', 'max', 'min', 'mix', 'normalize',
  'pow', 'round', 'saturate', 'select', 'sign', 'sin', 'sinh', 'smoothstep', 'sqrt', 'step', 'storageBarrier', 'tan',
  'tanh', 'transpose', 'trunc', 'workgroupBarrier', 'arrayLength',
];

let registered = false;

export function registerWgsl(monaco: typeof Monaco): void {
  if (registered) return;
  registered = true;
  monaco.languages.register({ id: 'wgsl', extensions: ['.wgsl'], aliases: ['WGSL'] });
  monaco.languages.setLanguageConfiguration('wgsl', {
    comments: { lineComment: '//', blockComment: ['/*', '*/'] },
    brackets: [['{', '}'], ['[', ']'], ['(', ')']],
  });
  monaco.languages.setMonarchTokensProvider('wgsl', {
    keywords,
    types,
    qualifiers,
    builtins,
    tokenizer: {
      root: [
        [/@[a-zA-Z_]\w*/, 'annotation'],
        [/[a-zA-Z_]\w*(?=\s*\()/, { cases: { '@builtins': 'predefined', '@types': 'type', '@keywords': 'keyword', '@default': 'identifier' } }],
        [/[a-zA-Z_]\w*/, { cases: { '@keywords': 'keyword', '@types': 'type', '@qualifiers': 'keyword.flow', '@default': 'identifier' } }],
        { include: '@whitespace' },
        [/0[xX][0-9a-fA-F]+[iu]?/, 'number.hex'],
        [/(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?[fhiu]?/, 'number'],
        [/[{}()[\]<>]/, '@brackets'],
        [/[;,.:]/, 'delimiter'],
        [/[-+*/%=!&|^~<>]+/, 'operator'],
      ],
      whitespace: [
        [/\s+/, 'white'],
        [/\/\*/, 'comment', '@comment'],
        [/\/\/.*$/, 'comment'],
      ],
      comment: [
        [/[^/*]+/, 'comment'],
        [/\*\//, 'comment', '@pop'],
        [/[/*]/, 'comment'],
      ],
    },
  });
}
