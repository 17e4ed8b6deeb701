// The example graphs of public/examples/ (run by public/embed.html): up to date with their builders, and right.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import * as wg from '../../engine/index';
import { CHAIN, MLP, buildExamples, chainReference, mlpReference } from '../../scripts/examples';

const built = buildExamples(wg);
const committed = (name: string) => JSON.parse(readFileSync(new URL(`../../public/examples/${name}.json`, import.meta.url), 'utf8'));

describe('example graphs', () => {
  test.each(Object.keys(built))('public/examples/%s.json is what scripts/export_examples.mjs writes now', (name) => {
    // A failure here means the builders or the format changed: run `npm run examples` and commit the files.
    expect(committed(name)).toEqual(JSON.parse(JSON.stringify(built[name])));
  });

  test('chain.json computes the benchmark chain', async () => {
    const sess = new wg.Session(wg.Graph.fromJSON(committed('chain')));
    const y = (await sess.run('y', { x: CHAIN.feed })) as number[];
    sess.close();
    chainReference(CHAIN.feed).forEach((v, i) => expect(y[i]).toBeCloseTo(v, 5));
  });

  test('mlp.json computes the two-layer classifier', async () => {
    const sess = new wg.Session(wg.Graph.fromJSON(committed('mlp')));
    const probs = (await sess.run('probs', { x: MLP.feed })) as number[][];
    sess.close();
    mlpReference(MLP.feed).forEach((row, i) => row.forEach((v, j) => expect(probs[i][j]).toBeCloseTo(v, 5)));
  });
});
