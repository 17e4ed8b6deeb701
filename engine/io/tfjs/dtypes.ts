// TensorFlow's DataType enum as model.json writes it ('DT_FLOAT', or its number), and what each becomes on the
// host. TensorFlow.js (and so wgflow's reader) keeps three numeric dtypes: every float type becomes float32 and
// every integer type int32; bool stays bool. string and complex are recognised so that errors can name them.

/** A dtype a decoded tensor, weight or attribute can have on the host. */
export type HostDType = 'float32' | 'int32' | 'bool' | 'string' | 'complex64';

/** The numeric ones: what the reader can hand to the engine. */
export type NumericDType = 'float32' | 'int32' | 'bool';

/** TensorFlow's DataType names by enum number (types.proto); `_REF` variants are these plus 100. */
const TF_DTYPE_BY_NUMBER: Record<number, string> = {
  0: 'DT_INVALID', 1: 'DT_FLOAT', 2: 'DT_DOUBLE', 3: 'DT_INT32', 4: 'DT_UINT8', 5: 'DT_INT16', 6: 'DT_INT8',
  7: 'DT_STRING', 8: 'DT_COMPLEX64', 9: 'DT_INT64', 10: 'DT_BOOL', 11: 'DT_QINT8', 12: 'DT_QUINT8', 13: 'DT_QINT32',
  14: 'DT_BFLOAT16', 15: 'DT_QINT16', 16: 'DT_QUINT16', 17: 'DT_UINT16', 18: 'DT_COMPLEX128', 19: 'DT_HALF',
  20: 'DT_RESOURCE', 21: 'DT_VARIANT', 22: 'DT_UINT32', 23: 'DT_UINT64',
};

const HOST_BY_TF: Record<string, HostDType> = {
  DT_FLOAT: 'float32', DT_DOUBLE: 'float32', DT_HALF: 'float32', DT_BFLOAT16: 'float32',
  DT_INT32: 'int32', DT_INT64: 'int32', DT_INT16: 'int32', DT_INT8: 'int32', DT_UINT8: 'int32', DT_UINT16: 'int32',
  DT_UINT32: 'int32', DT_UINT64: 'int32', DT_QINT8: 'int32', DT_QUINT8: 'int32', DT_QINT16: 'int32',
  DT_QUINT16: 'int32', DT_QINT32: 'int32',
  DT_BOOL: 'bool',
  DT_STRING: 'string',
  DT_COMPLEX64: 'complex64', DT_COMPLEX128: 'complex64',
};

/**
 * The canonical 'DT_…' name of a DataType given as a name or an enum number; `_REF` suffixes are dropped.
 * Returns undefined for anything else.
 */
export function tfDTypeName(value: unknown): string | undefined {
  let name: string | undefined;
  if (typeof value === 'number' && Number.isInteger(value)) name = TF_DTYPE_BY_NUMBER[value >= 100 ? value - 100 : value];
  else if (typeof value === 'string' && /^DT_[A-Z0-9_]+$/.test(value)) name = value.replace(/_REF$/, '');
  return name !== undefined && (name in HOST_BY_TF || Object.values(TF_DTYPE_BY_NUMBER).includes(name)) ? name : undefined;
}

/** The host dtype of a TensorFlow DataType name, or undefined for DT_RESOURCE, DT_VARIANT and DT_INVALID. */
export function hostDType(tfName: string): HostDType | undefined {
  return HOST_BY_TF[tfName];
}
