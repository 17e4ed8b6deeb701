// Public stateful and side-effect ops: variable, assign, assignAdd, print.
import { DTypeError, GraphModeError, ShapeError } from '../core/errors';
import { broadcastShapes, fmtShape, shapesEqual } from '../core/shape';
import { Tensor } from '../core/tensor';
import { launch, materialize, runElementwise } from '../eager/dispatch';
import { family } from './define';
import { opt, p, rest } from '../ops/registry';
import { printEager } from '../graph/print';
import { cast } from '../ir/expr';
import { tensorArg } from './args';
import { withDevice } from '../eager/devices';
import { constantFromHost, type TensorValues } from './creation';

export interface VariableOptions {
  name?: string;
  /** Watched by gradient tapes by default, and differentiated by variableGrads (default true, as TensorFlow). */
  trainable?: boolean;
}

let variables = 0;

/**
 * A variable: a tensor whose value `assign`/`assignAdd` change. Eagerly it is a tensor holding a copy of
 * `initial`; in a graph its state lives in the Session (initialised on the first run).
 */
function variableImpl(initial: Tensor | TensorValues, options: VariableOptions = {}): Tensor {
  if (options !== null && typeof options !== 'object') throw new GraphModeError('variable: options must be an object like { name }');
  const init = initial instanceof Tensor ? tensorArg(initial, 'variable', 'initial') : constantFromHost('variable', initial as TensorValues, undefined);
  const v = materialize(init);
  if (init !== initial) init.dispose();
  v.variable = true;
  v.trainable = options?.trainable !== false;
  v.variableName = typeof options?.name === 'string' && options.name ? options.name : `Variable_${variables}`;
  variables++;
  return v;
}

function assignImpl(v: Tensor, value: Tensor | number | boolean): Tensor {
  const op = 'assign';
  const target = tensorArg(v, op, 'variable');
  if (!target.variable) throw new GraphModeError(`${op}: the target is not a variable; create it with wg.variable(initial)`, { op });
  let x = value instanceof Tensor ? tensorArg(value, op, 'value') : value;
  if (x instanceof Tensor) {
    if (!shapesEqual(broadcastShapes(op, [target.shape, x.shape]), target.shape)) {
      throw new ShapeError(`${op}: a value of shape ${fmtShape(x.shape)} does not fit the variable's shape ${fmtShape(target.shape)}`, {
        op,
        shapes: [[...target.shape], [...x.shape]],
      });
    }
    if (x.dtype === 'bool' && target.dtype !== 'bool') throw new DTypeError(`${op}: cannot assign bool to a ${target.dtype} variable`, { op });
  }
  // Reading and writing one buffer in the same dispatch is not allowed: copy such a value first.
  const copy = x instanceof Tensor && x.storage && x.storage === target.storage ? materialize(x) : undefined;
  if (copy) x = copy;
  try {
    const tensors = x instanceof Tensor ? [x] : [];
    return launch({
      op, device: target.device, tensors, outShape: target.shape, outDtype: target.dtype,
      build: (leaves, p) => cast(x instanceof Tensor ? leaves[0] : p(Number(x), target.dtype), target.dtype),
      into: { tensor: target, offset: target.offset, strides: target.strides },
    });
  } finally {
    copy?.dispose();
  }
}

function assignAddImpl(v: Tensor, value: Tensor | number): Tensor {
  // The sum is computed where the variable lives, like the assign (not by the mixed-input rule).
  const target = tensorArg(v, 'assignAdd', 'variable');
  const sum = withDevice(target.device, () => runElementwise('add', [target, value]));
  try {
    return assignImpl(v, sum);
  } finally {
    sum.dispose();
  }
}

/** Stateful and side-effect ops (registry definitions). */
export const STATE_DEFS = family('state', {
  variable: {
    doc: 'A variable: a tensor whose value assign/assignAdd change; in a graph its state lives in the Session.',
    params: [p('initial', 'initial'), opt('options', 'variableOptions')],
    returns: 'tensor',
    impl: variableImpl,
  },
  assign: {
    doc: "Sets a variable's value (broadcast to its shape); returns the variable, holding the new value.",
    params: [p('v', 'tensor'), p('value', 'tensorLike')],
    returns: 'tensor',
    method: true,
    sideEffect: true,
    impl: assignImpl,
  },
  assignAdd: {
    doc: "Adds to a variable's value; returns the variable.",
    params: [p('v', 'tensor'), p('value', 'tensorOrNumber')],
    returns: 'tensor',
    method: true,
    sideEffect: true,
    impl: assignAddImpl,
  },
  print: {
    doc: 'Prints strings, numbers and tensors (NumPy-style); in a graph, when it runs. Prints keep their order.',
    params: [rest('values', 'printable')],
    returns: 'promise',
    sideEffect: true,
    impl: printEager,
  },
});
