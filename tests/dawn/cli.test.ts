// The command line (bin/wgflow.mjs) in Node: `info`, `run` on saved graphs with feeds from files and inline
// JSON, on WebGPU (Dawn) and on the CPU, --profile and --json; bad files, feeds and options give clear
// messages and their exit codes (1: the engine refused, 2: usage or an unreadable file).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { CHAIN, MLP, chainReference, mlpReference } from '../../scripts/examples';

const ROOT = new URL('../../', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'wgflow-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function cli(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/wgflow.mjs'), ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const example = (name: string) => join(ROOT, `public/examples/${name}.json`);
const file = (name: string, content: unknown) => {
  const path = join(scratch, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 5));

describe('wgflow info', () => {
  test('reports WebGPU through Dawn, its adapter, limits and features', () => {
    const r = cli('info', '--json');
    expect(r.code, r.err).toBe(0);
    const info = JSON.parse(r.out);
    expect(info.backend, `the CLI fell back to the CPU: ${info.reason}`).toBe('webgpu');
    expect(info.adapter.description).toBeTruthy();
    expect(info.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
    const text = cli('info');
    expect(text.out).toMatch(/^backend {3}webgpu/m);
    expect(text.out).toMatch(/maxBufferSize\s+\d+/);
  });
});

describe('wgflow run', () => {
  test('the chain example with an inline feed, on WebGPU and on the CPU: the same values as the reference', () => {
    const feed = `x=${JSON.stringify(CHAIN.feed)}`;
    for (const device of ['webgpu', 'cpu']) {
      const r = cli('run', example('chain'), '--feed', feed, '--fetch', 'y', '--device', device, '--json');
      expect(r.code, r.err).toBe(0);
      close(JSON.parse(r.out).outputs.y, chainReference(CHAIN.feed));
    }
  });

  test('the MLP example with a feed file ({shape, data}), printed NumPy-style, with a profile table', () => {
    const flat = MLP.feed.flat();
    const feed = file('x.json', { shape: [MLP.feed.length, MLP.feed[0].length], data: flat });
    const json = cli('run', example('mlp'), '--feed', `x=${feed}`, '--json');
    expect(json.code, json.err).toBe(0);
    const probs: number[][] = JSON.parse(json.out).outputs.probs;
    mlpReference(MLP.feed).forEach((row, i) => close(probs[i], row));

    const text = cli('run', example('mlp'), '--feed', `x=${feed}`, '--profile');
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/^probs: float32 \[\?,\d+\]$/m);
    expect(text.out).toMatch(/^\[\[0\.\d+, /m);
    expect(text.out).toMatch(/^kernel\s+kind\s+device\s+ms\s+bytes\s+nodes$/m);
    expect(text.out).toMatch(/matMul\S*\s+matmul\s+webgpu\s+[\d.<]+ gpu/);
    expect(text.out).toMatch(/\d+ dispatches · 1 submissions/);
  });

  test('a graph saved with devices requested runs, and --clear-devices drops them', () => {
    const g = JSON.parse(readFileSync(example('chain'), 'utf8'));
    g.nodes.forEach((n: { op: string; requested?: string }) => n.op !== 'placeholder' && (n.requested = 'cpu'));
    const path = file('chain_cpu.json', g);
    for (const extra of [[], ['--clear-devices']]) {
      const r = cli('run', path, '--feed', 'x=[0.5,-1]', '--fetch', 'y', '--json', '--profile', ...extra);
      expect(r.code, r.err).toBe(0);
      const { outputs, profile } = JSON.parse(r.out);
      close(outputs.y, chainReference([0.5, -1]));
      const devices = new Set(profile.kernels.filter((k: { kind: string }) => k.kind !== 'transfer').map((k: { device: string }) => k.device));
      expect([...devices]).toEqual(extra.length ? ['webgpu'] : ['cpu']);
    }
  });
});

describe('errors', () => {
  test('a feed of the wrong shape: the engine\'s ShapeError, exit 1', () => {
    const r = cli('run', example('mlp'), '--feed', 'x=[[1,2,3]]');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^wgflow run: ShapeError: feed "x": got shape \[1,3\], but the placeholder is float32 \[null,\d+\]$/m);
  });

  test('a tampered graph file: SerializationError naming the problem, exit 1', () => {
    const g = JSON.parse(readFileSync(example('chain'), 'utf8'));
    g.nodes[1].args = [{ $ref: [7, 0] }];
    const r = cli('run', file('bad.json', g), '--feed', 'x=[1]');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/SerializationError: Graph\.fromJSON: node 1 args.*reference to node 7/);
  });

  test('files that are missing or not JSON, and bad options: exit 2 with a message', () => {
    const missing = cli('run', join(scratch, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read .*nope\.json \(ENOENT\)/);
    const notJson = cli('run', file('truncated.json', '{"format": "wgflow.gr'));
    expect(notJson.code).toBe(2);
    expect(notJson.err).toMatch(/is not valid JSON/);
    const option = cli('run', example('chain'), '--frobnicate');
    expect(option.code).toBe(2);
    expect(option.err).toMatch(/unknown option --frobnicate[\s\S]*usage:/);
    const feed = cli('run', example('chain'), '--feed', 'x=not-json');
    expect(feed.code).toBe(2);
    expect(feed.err).toMatch(/feed "x": no file not-json, and not inline JSON either/);
    const device = cli('run', example('chain'), '--device', 'webgl', '--feed', 'x=[1]');
    expect(device.code).toBe(1);
    expect(device.err).toMatch(/DeviceError: .*unknown device "webgl"/);
  });

  test('no arguments: the usage, exit 2; --help: exit 0', () => {
    expect(cli().code).toBe(2);
    const help = cli('--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^usage:/);
  });
});
