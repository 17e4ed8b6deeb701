// Errors of the TensorFlow.js graph-model reader. They extend the core's WgError (so `e instanceof wg.WgError`
// holds, and the user's line is appended). The one import of the core in the reader, and through the public entry,
// so that the wgflow/tfjs bundle shares the core's classes instead of carrying a second copy.
import { WgError } from '../../index';

/**
 * model.json is not a graph model wgflow can read: malformed JSON, a missing or wrongly typed field (the message
 * names the field, and the node where one is involved), a layers model, or a node attribute that is missing or of
 * the wrong kind when an op asks for it.
 */
export class ModelFormatError extends WgError {}

/**
 * The weight shards do not match the manifest: a truncated group, trailing bytes, a wrong number of shards, or a
 * weight dtype/quantisation that cannot be decoded. The message names the weight (and the shards) involved.
 */
export class WeightDataError extends WgError {}

/** A file of the model could not be fetched or read: the message names the file, its URL or path, and why. */
export class ModelFetchError extends WgError {}
