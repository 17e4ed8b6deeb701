// Placeholder playground page: runs the seed program and a small chain through the public engine entry.
import * as wg from '../../engine/index';

const $ = (id: string) => document.getElementById(id)!;

function showBackend(): void {
  const info = wg.backendInfo();
  const rows: [string, string][] = [
    ['backend', info.backend],
    ['adapter', info.adapter ? `${info.adapter.vendor} ${info.adapter.architecture}${info.adapter.isFallbackAdapter ? ' (fallback)' : ''}` : info.reason ?? '—'],
    ['max storage binding', info.limits.maxStorageBufferBindingSize ? `${info.limits.maxStorageBufferBindingSize / 2 ** 20} MiB` : '—'],
    ['features', info.features.join(', ') || '—'],
  ];
  $('backend').innerHTML = rows.map(([k, v]) => `<tr><td>${k}</td><td><code>${v}</code></td></tr>`).join('');
}

async function show(id: string, fn: () => Promise<unknown>): Promise<void> {
  const el = $(id);
  try {
    el.textContent = JSON.stringify(await fn());
    el.className = 'ok';
  } catch (e) {
    el.textContent = String(e);
    el.className = 'err';
  }
}

showBackend();
await show('eager-result', async () => {
  const c = wg.add(wg.constant(5), wg.constant(3));
  const v = await c.numpy();
  c.dispose();
  return v;
});
await show('graph-result', async () => {
  const g = new wg.Graph();
  const c = g.build(() => wg.add(wg.constant(5), wg.constant(3)));
  const sess = new wg.Session(g);
  const v = await sess.run(c);
  sess.close();
  return v;
});
await show('chain-result', () =>
  wg.scope(async () => {
    const x = wg.linspace(-2, 2, 5);
    const y = wg.tanh(wg.relu(x.mul(1.5).add(0.5)).sub(x)).mul(2).add(wg.exp(x.square().neg()));
    const values = (await y.array()) as number[];
    return values.map((v) => Number(v.toFixed(4)));
  }),
);
document.body.dataset.ready = 'true';
