// wgflow/tfjs: TensorFlow.js graph models (model.json + weight shards) run by wgflow. Its own package entry
// (dist/wgflow-tfjs.js), which reaches the engine only through its public module, so a page that imports both
// has one engine, one device. `loadGraphModel(url | path | { modelJson, weights })` → GraphModel.
import { GraphModel } from './graph_model';
import { readGraphModel, type ModelSource, type ReadOptions } from './load';

export { GraphModel, type ModelInputs, type ModelTensorInfo } from './graph_model';
export { UnsupportedOpError } from './convert';
export { ModelFetchError, ModelFormatError, WeightDataError } from './errors';
export { DynamicShapeError } from './ops/dynamic';
export type { InMemoryModel, ModelSource, ReadOptions } from './load';

/**
 * Loads a TensorFlow.js graph model: model.json by URL (its shards fetched beside it), by file path in Node, or
 * from memory ({ modelJson, weights: the shards in manifest order, or one buffer }). Every op is checked against
 * the op table first: a model with unsupported ops fails with one UnsupportedOpError naming them all, before
 * any weight is uploaded.
 */
export async function loadGraphModel(source: ModelSource, options: ReadOptions = {}): Promise<GraphModel> {
  const { model, weights } = await readGraphModel(source, options);
  return new GraphModel(model, weights);
}
