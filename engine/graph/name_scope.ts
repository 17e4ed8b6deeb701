// Name scopes (TensorFlow's tf.name_scope): a stack of '/'-joined paths. Graph nodes recorded inside a scope
// keep its path (GraphNode.scope, saved with the graph), and so do the ops of an eager trace (wg.record), so
// the playground groups a network by scope in both modes. Outside every scope nothing is stored or checked
// beyond the stack's length.
import { GraphModeError } from '../core/errors';

/** Full paths, innermost last. */
const stack: string[] = [];

/** The innermost scope's full path, or undefined outside every scope. */
export function currentScope(): string | undefined {
  return stack.length === 0 ? undefined : stack[stack.length - 1];
}

/**
 * Runs `fn` with `name` pushed on the name-scope stack and returns what it returns. Scopes nest with '/':
 * 'a' inside 'b' is 'b/a'; a name may itself be a path ('model/conv2d'). Graph nodes recorded inside
 * (Graph.build, wg.function, withMode('graph')) get the full path as their `scope`, kept by save/load, and so
 * do the ops of an eager trace (wg.record). `fn` runs synchronously: ops after an `await` inside an async
 * function run after the scope has closed and are not in it.
 */
export function nameScope<T>(name: string, fn: () => T): T {
  if (typeof name !== 'string' || name === '' || name.startsWith('/') || name.endsWith('/') || name.includes('//')) {
    throw new GraphModeError(`nameScope: the name must be a non-empty string of '/'-separated parts, got ${JSON.stringify(name)}`);
  }
  if (typeof fn !== 'function') throw new GraphModeError('nameScope: expected a function to run inside the scope');
  const outer = currentScope();
  const depth = stack.length;
  stack.push(outer === undefined ? name : `${outer}/${name}`);
  try {
    return fn();
  } finally {
    stack.length = depth;
  }
}
