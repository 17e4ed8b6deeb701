// The bench page: runs the benchmark suite (bench/suite/) in this page on the visitor's GPU, with the
// options of `npm run bench` taken from the address (?workloads=matmul:256+1024,chain&repeats=5&libs=…),
// and renders the tables. Loaded with ?cold=<library> it is instead one cold-start frame of a run: it
// imports that library only, measures its first result and posts it to the parent page (bench/suite/cold.ts).
// Libraries load through import() so that neither mode pays for code it does not run.
import { coldRunInFrame, type FrameSetup } from '../../bench/suite/cold';
import { DEFAULT_SIZES, parseOptions } from '../../bench/suite/options';
import { fmt, type Row } from '../../bench/suite/report';
import { Suite, browserEnv } from '../../bench/suite/suite';
import { LIBS, WORKLOADS, type Lib, type LibId, type WorkloadId } from '../../bench/suite/types';

const ADAPTERS: Record<LibId, () => Promise<{ libs: Lib[] }>> = {
  'wgflow-eager': () => import('../../bench/suite/libs/wgflow'),
  'wgflow-graph': () => import('../../bench/suite/libs/wgflow'),
  'wgflow-cpu-eager': () => import('../../bench/suite/libs/wgflow'),
  'wgflow-cpu-graph': () => import('../../bench/suite/libs/wgflow'),
  tfjs: () => import('../../bench/suite/libs/tfjs'),
  'jax-eager': () => import('../../bench/suite/libs/jax'),
  'jax-jit': () => import('../../bench/suite/libs/jax'),
  raw: () => import('../../bench/suite/libs/raw'),
};
const LABELS: Record<LibId, string> = {
  'wgflow-eager': 'wgflow eager', 'wgflow-graph': 'wgflow graph', 'wgflow-cpu-eager': 'wgflow CPU eager',
  'wgflow-cpu-graph': 'wgflow CPU graph', tfjs: 'TF.js webgpu',
  'jax-eager': 'jax-js eager', 'jax-jit': 'jax-js jit', raw: 'raw WGSL',
};

const query = new URLSearchParams(location.search);
const cold = query.get('cold');

if (cold) {
  // A cold-start frame: answer the parent and do nothing else.
  const post = (m: object) => parent.postMessage({ token: query.get('token'), ...m }, location.origin);
  try {
    const id = cold as LibId;
    if (!ADAPTERS[id]) throw new Error(`unknown library ${cold}`);
    post({ result: await coldRunInFrame(id, Number(query.get('size')), ADAPTERS[id]) });
  } catch (e) {
    post({ error: e instanceof Error ? e.message : String(e) });
  }
} else {
  await page();
}

async function page(): Promise<void> {
  const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
  const form = $<HTMLFormElement>('options');
  const log = (line: string) => ($('log').textContent += line + '\n');
  const raw = Object.fromEntries([...query].filter(([k]) => k !== 'cold'));
  let options = parseOptions({});
  try {
    options = parseOptions(raw);
  } catch (e) {
    $('status').textContent = String(e instanceof Error ? e.message : e);
  }

  // The form, filled from the options in the address.
  $('workloads').innerHTML = WORKLOADS.map(
    (w) => `<label><input type="checkbox" name="w" value="${w}" ${options.workloads.includes(w) ? 'checked' : ''}/> ${w}
      <input type="text" name="size-${w}" value="${options.sizes[w].join('+')}" title="default ${DEFAULT_SIZES[w].join('+')}"/></label>`,
  ).join(' ');
  $('libs').innerHTML = LIBS.map(
    (l) => `<label><input type="checkbox" name="l" value="${l}" ${options.libs.includes(l) ? 'checked' : ''}/> ${LABELS[l]}</label>`,
  ).join(' ');
  for (const k of ['repeats', 'warmup', 'budget-ms', 'cold-repeats'] as const) {
    const key = ({ repeats: 'repeats', warmup: 'warmup', 'budget-ms': 'budgetMs', 'cold-repeats': 'coldRepeats' } as const)[k];
    (form.elements.namedItem(k) as HTMLInputElement).value = String(options[key]);
  }

  const env = await browserEnv();
  const adapter = env.adapter as { vendor?: string; architecture?: string; description?: string } | null;
  $('env').textContent =
    `Adapter: ${adapter ? [adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(' ') || 'unnamed' : 'none (no WebGPU here)'}` +
    ` · timers: ${env.crossOriginIsolated ? 'full resolution (cross-origin isolated)' : 'coarse (100 µs; page not cross-origin isolated)'}`;

  /** The form as the suite's string options (the same keys as the command line). */
  const formOptions = (): Record<string, string> => {
    const data = new FormData(form);
    // Sizes equal to the defaults are left out, so that libraries keep their own defaults (the CPU device
    // skips its slowest matmul unless its size was asked for).
    const workloads = data.getAll('w').map((w) => {
      const sizes = String(data.get(`size-${w}`)).trim().replace(/,/g, '+');
      return sizes === DEFAULT_SIZES[w as WorkloadId].join('+') ? String(w) : `${w}:${sizes}`;
    });
    const out: Record<string, string> = { workloads: workloads.join(','), libs: data.getAll('l').join(',') };
    for (const k of ['repeats', 'warmup', 'budget-ms', 'cold-repeats']) out[k] = String(data.get(k));
    return out;
  };

  // Cold-start frames: this page again, with ?cold=<library>.
  const coldFrame: FrameSetup = (frame, id, size, token) => {
    frame.src = `${location.pathname}?${new URLSearchParams({ cold: id, size: String(size), token })}`;
  };

  let record: object | undefined;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const rawNow = formOptions();
    let opts;
    try {
      opts = parseOptions(rawNow);
    } catch (err) {
      $('status').textContent = String(err instanceof Error ? err.message : err);
      return;
    }
    history.replaceState(null, '', `?${new URLSearchParams(rawNow)}`);
    $<HTMLButtonElement>('run').disabled = true;
    $<HTMLButtonElement>('download').disabled = true;
    $('report').hidden = true;
    $('log').textContent = '';
    try {
      const modules = await Promise.all([...new Set(opts.libs.map((id) => ADAPTERS[id]))].map((load) => load()));
      const libs = opts.libs.map((id) => modules.flatMap((m) => m.libs).find((l) => l.id === id)!);
      const suite = new Suite(opts, libs, coldFrame, log);
      $('status').textContent = 'setting up the libraries…';
      await suite.setup();
      const steps = suite.steps();
      for (const [i, step] of steps.entries()) {
        $('status').textContent = `running ${step.workload} ${step.size} (${i + 1}/${steps.length})…`;
        await suite.run(step);
        render(suite.rows, libs);
      }
      $('status').textContent = 'profiling check…';
      const { profilingOffCheck } = await import('../../bench/suite/profiling');
      const profiling = await profilingOffCheck(opts);
      record = { ...suite.record(env), profiling };
      $('report').textContent = `${suite.report()}\n\n${profiling.text}`;
      $('report').hidden = false;
      $('status').textContent = `done in ${((record as { totalMs: number }).totalMs / 1000).toFixed(0)} s`;
      $<HTMLButtonElement>('download').disabled = false;
    } catch (err) {
      $('status').textContent = `failed: ${err instanceof Error ? err.message : err}`;
    } finally {
      $<HTMLButtonElement>('run').disabled = false;
    }
  });

  $('download').addEventListener('click', () => {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([JSON.stringify(record, null, 1)], { type: 'application/json' }));
    a.download = `wgflow-bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
    a.click();
    URL.revokeObjectURL(a.href);
  });

  /** The absolute figures as an HTML table, updated after each row. */
  function render(rows: Row[], libs: Lib[]): void {
    const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    const cell = (r: Row, id: LibId) => {
      const c = r.cells[id];
      if (!c) return '<td></td>';
      if (c.status === 'unsupported') return '<td class="muted">—</td>';
      if (c.status !== 'ok') return `<td class="bad" title="${esc(c.note ?? '')}">${c.status}</td>`;
      const leak = c.liveBefore !== undefined && c.liveAfter !== c.liveBefore ? ' <span class="bad">leak</span>' : '';
      return `<td>${fmt(c.median)}${leak}<br><span class="range">${fmt(c.min)}–${fmt(c.max)}</span></td>`;
    };
    $('results').innerHTML =
      `<table class="results"><tr><th>workload (unit)</th>${libs.map((l) => `<th>${esc(l.label)}</th>`).join('')}</tr>` +
      rows.map((r) => `<tr><td>${esc(r.label)} (${r.unit})</td>${libs.map((l) => cell(r, l.id)).join('')}</tr>`).join('') +
      '</table>';
  }
}
