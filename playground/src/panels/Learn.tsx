// The Learn panel: TensorFlow's two execution modes compared row by row (execution, optimisation,
// debugging, complexity, distribution, portability), each told for wgflow with a snippet that opens in
// the editor and runs in the mode chosen; the two seed programs open from here too.
import { Fragment, useState, type ReactNode } from 'react';
import { EXAMPLES } from '../examples';
import type { Mode } from '../runner/host';
import { LEARN, type LearnRow } from './learn_examples';
import './panels.css';

/** Text with `code` spans. */
function rich(text: string): ReactNode {
  return text.split(/(`[^`]+`)/).map((part, i) => (part.startsWith('`') && part.endsWith('`') ? <code key={i}>{part.slice(1, -1)}</code> : <Fragment key={i}>{part}</Fragment>));
}

const seed = (id: string) => EXAMPLES.find((e) => e.id === id)?.code ?? '';

function RunButtons({ id, code, first, onOpen }: { id: string; code: string; first: Mode; onOpen(code: string, mode: Mode): void }) {
  const order: Mode[] = first === 'eager' ? ['eager', 'graph'] : ['graph', 'eager'];
  return (
    <span className="pp-learn-run">
      {order.map((m) => (
        <button key={m} type="button" className={`pp-btn ${m === first ? 'primary' : ''}`} data-testid={`learn-${id}-${m}`} onClick={() => onOpen(code, m)} title={`Open this snippet in the editor and run it in ${m} mode`}>
          ▶ {m === 'eager' ? 'Run eagerly' : 'Run as graph'}
        </button>
      ))}
    </span>
  );
}

function Card({ row, onOpen }: { row: LearnRow; onOpen(code: string, mode: Mode): void }) {
  const [showCode, setShowCode] = useState(false);
  return (
    <article className="pp-learn-card" id={`learn-${row.id}`} data-testid={`learn-${row.id}`}>
      <header>
        <h3>{row.aspect}</h3>
        <span className="spacer" />
        <RunButtons id={row.id} code={row.code} first={row.first} onOpen={onOpen} />
      </header>
      <div className="pp-learn-sides">
        <div>
          <span className="pp-side graph">Graph</span> {row.graph}
        </div>
        <div>
          <span className="pp-side eager">Eager</span> {row.eager}
        </div>
      </div>
      {row.body.map((p, i) => (
        <p key={i}>{rich(p)}</p>
      ))}
      <p className="pp-look">
        <b>What to look at.</b> {rich(row.look)}
      </p>
      <button type="button" className="pp-link" aria-expanded={showCode} onClick={() => setShowCode(!showCode)}>
        {showCode ? '▾ Hide the snippet' : '▸ Read the snippet'} <span className="dim">({row.code.trim().split('\n').length} lines)</span>
      </button>
      {showCode && <pre className="pp-snippet">{row.code}</pre>}
    </article>
  );
}

export function LearnPanel(props: { onOpen(code: string, mode: Mode): void }) {
  const jump = (id: string) => document.getElementById(`learn-${id}`)?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  return (
    <div className="pp-panel pp-learn" data-testid="learn">
      <h2>The two modes</h2>
      <p>
        TensorFlow runs the same program in two ways. <b>Eager execution</b> runs each op as it is called, like ordinary code. <b>Graph execution</b> first
        records the ops as a dataflow graph, optimises that graph, and then runs it as a whole. wgflow has both, on the same kernels: the Eager / Graph toggle
        in the toolbar runs any snippet either way, and ⇄ Compare runs it both ways side by side.
      </p>

      <section className="pp-seeds">
        <div className="pp-seed" data-testid="learn-seed-graph">
          <div>
            <b>Graph + Session</b> <span className="dim">(TensorFlow 1)</span>
            <div className="dim small">build a graph of 5 + 3, then run it in a Session: prints 8</div>
          </div>
          <RunButtons id="seed-graph" code={seed('seed-graph')} first="graph" onOpen={props.onOpen} />
        </div>
        <div className="pp-seed" data-testid="learn-seed-eager">
          <div>
            <b>Eager</b> <span className="dim">(TensorFlow 2)</span>
            <div className="dim small">5 + 3 computed the moment it is written: prints 8</div>
          </div>
          <RunButtons id="seed-eager" code={seed('seed-eager')} first="eager" onOpen={props.onOpen} />
        </div>
      </section>

      <table className="pp-table pp-learn-table" data-testid="learn-table">
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col" className="graph">
              Graph
            </th>
            <th scope="col" className="eager">
              Eager
            </th>
          </tr>
        </thead>
        <tbody>
          {LEARN.map((r) => (
            <tr key={r.id}>
              <th scope="row">
                <button type="button" className="pp-link" onClick={() => jump(r.id)}>
                  {r.aspect}
                </button>
              </th>
              <td>{r.short.graph}</td>
              <td>{r.short.eager}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {LEARN.map((r) => (
        <Card key={r.id} row={r} onOpen={props.onOpen} />
      ))}

      <section className="pp-learn-card">
        <h3>Which one to use</h3>
        <p>
          Eager while you write and debug: every line does what it says, when it says it. Graphs where speed matters (wrap the hot function in{' '}
          <code>wg.function</code>, or a block in <code>wg.withMode('graph', …)</code>) and where a computation has to travel (<code>Graph</code> +{' '}
          <code>save()</code>). TensorFlow 2 made eager execution the default for the same reasons; wgflow runs eagerly unless it is asked to build a
          graph.
        </p>
      </section>
    </div>
  );
}
