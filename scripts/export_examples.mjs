// `npm run examples`: builds the example graphs of scripts/examples.ts with the engine (in Node, on its CPU
// backend) and saves them with toJSON into public/examples/*.json, so the files always match the format.
// tests/node/examples.test.ts fails when a committed file differs from what this would write.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = `${root}public/examples/`;

// Source locations in the files come from stack traces: map them back to the TypeScript lines.
process.setSourceMapsEnabled(true);

// Vite's module runner loads the TypeScript sources as they are (Node 20 cannot); no config file is needed.
const load = async (file) => (await runnerImport(`${root}${file}`, { configFile: false, root, logLevel: 'warn' })).module;
const wg = await load('engine/index.ts');
const { buildExamples } = await load('scripts/examples.ts');

mkdirSync(outDir, { recursive: true });
for (const [name, json] of Object.entries(buildExamples(wg))) {
  writeFileSync(`${outDir}${name}.json`, formatGraph(json));
  console.log(`wrote public/examples/${name}.json (${json.nodes.length} nodes)`);
}

/** JSON with one node per line: readable, and a changed node is a one-line diff. */
function formatGraph(json) {
  const fields = Object.entries(json).map(([key, value]) =>
    Array.isArray(value)
      ? `  ${JSON.stringify(key)}: [\n${value.map((v) => `    ${JSON.stringify(v)}`).join(',\n')}\n  ]`
      : `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`,
  );
  return `{\n${fields.join(',\n')}\n}\n`;
}
