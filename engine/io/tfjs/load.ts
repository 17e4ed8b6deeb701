// Reading a TensorFlow.js graph model from where it lives: a URL (model.json, then each shard by its path relative
// to model.json's URL), already-fetched bytes ({ modelJson, weights }), or, in Node, a file path. Returns the
// parsed model and its decoded weights; no tensors are made here.
import { ModelFetchError, ModelFormatError } from './errors';
import { parseModelJson, type ParsedGraphModel } from './model_json';
import { decodeWeights, type Bytes, type WeightMap } from './weights';

/** A model already in memory: model.json (text or parsed) and its shards, one buffer each in manifest order, or all in one. */
export interface InMemoryModel {
  modelJson: string | object;
  weights: Bytes | Bytes[];
}

/**
 * Where a model comes from: an http(s)/file/blob URL; a string that is a URL (in a page, a relative one resolves
 * against the page) or, in Node, a file path; or an InMemoryModel.
 */
export type ModelSource = string | { readonly href: string } | InMemoryModel;

/** What the reader uses of a fetch response (typed by shape, so the declarations need no DOM library). */
export interface FetchedFile {
  ok: boolean;
  status: number;
  statusText: string;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface ReadOptions {
  /** The fetch to use (default: globalThis.fetch). */
  fetch?: (input: string, init?: object) => Promise<FetchedFile>;
  /** Passed to every fetch (a RequestInit: headers, credentials, an AbortSignal …). */
  requestInit?: object;
}

export interface ReadModel {
  model: ParsedGraphModel;
  /** Every weight by name, dequantised: float32, int32 or bool host arrays. */
  weights: WeightMap;
  /** model.json's URL or path ('model.json (in memory)' for an InMemoryModel). */
  source: string;
}

/** Reads model.json and its weight shards from a URL, a file path (Node) or memory; parses and decodes them. */
export async function readGraphModel(source: ModelSource, options: ReadOptions = {}): Promise<ReadModel> {
  // A URL object (or anything with an href string).
  if (source !== null && typeof source === 'object' && 'href' in source && typeof source.href === 'string') return readGraphModel(source.href, options);
  if (typeof source === 'string') {
    if (source === '') throw new ModelFetchError('the model source is an empty string: give a URL, a path or { modelJson, weights }');
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(source)?.[1].toLowerCase();
    const windowsDrive = /^[a-z]:[\\/]/i.test(source);
    if (scheme === 'file' && inNode()) return readFromFile(source, true);
    if (scheme !== undefined && !windowsDrive) return readFromUrl(source, options);
    if (inNode()) return readFromFile(source, false);
    // A relative URL resolves as the page's links do: against document.baseURI (in an about:srcdoc frame, the
    // parent's URL), else the worker's location.
    const g = globalThis as { document?: { baseURI?: string }; location?: { href?: string } };
    const base = g.document?.baseURI ?? g.location?.href;
    return readFromUrl(base && base !== 'about:srcdoc' ? new URL(source, base).href : source, options);
  }
  if (source !== null && typeof source === 'object' && 'modelJson' in source) return readFromMemory(source);
  throw new ModelFetchError(
    `cannot read a model from ${source === null ? 'null' : typeof source}: give a URL, a path (Node) or { modelJson, weights }`,
  );
}

// ---- memory --------------------------------------------------------------------------------------------------

function readFromMemory(m: InMemoryModel): ReadModel {
  const src = 'model.json (in memory)';
  if (typeof m.modelJson !== 'string' && (m.modelJson === null || typeof m.modelJson !== 'object')) {
    throw new ModelFormatError(`${src}: modelJson must be the text of model.json or its parsed object, got ${m.modelJson === null ? 'null' : typeof m.modelJson}`);
  }
  const model = parseModelJson(m.modelJson, { source: src });
  const shardCount = model.weightsManifest.reduce((n, g) => n + g.paths.length, 0);
  if (m.weights === undefined || m.weights === null) {
    if (model.weightSpecs.length > 0 || shardCount > 0) {
      throw new ModelFetchError(`${src}: no weights given, but the manifest lists ${shardCount} shards (${model.weightsManifest.flatMap((g) => g.paths).join(', ')})`);
    }
    return { model, weights: new Map(), source: src };
  }
  return { model, weights: decodeWeights(model.weightsManifest, m.weights), source: src };
}

// ---- URLs ----------------------------------------------------------------------------------------------------

async function fetchBytes(url: string, what: string, options: ReadOptions): Promise<FetchedFile> {
  const f = options.fetch ?? (globalThis.fetch as ReadOptions['fetch']);
  if (typeof f !== 'function') throw new ModelFetchError(`cannot fetch ${what} (${url}): there is no fetch here; pass options.fetch`);
  let res: FetchedFile;
  try {
    res = await f(url, options.requestInit);
  } catch (e) {
    const err = e as Error & { cause?: { message?: string; code?: string } };
    const cause = err.cause ? `: ${err.cause.message ?? err.cause.code ?? String(err.cause)}` : '';
    throw new ModelFetchError(`cannot fetch ${what} (${url}): ${err.message}${cause}`);
  }
  if (!res.ok) throw new ModelFetchError(`HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''} fetching ${what} (${url})`);
  return res;
}

async function readFromUrl(url: string, options: ReadOptions): Promise<ReadModel> {
  const text = await (await fetchBytes(url, 'model.json', options)).text();
  const model = parseModelJson(text, { source: url });
  const urls = model.weightsManifest.flatMap((g, gi) =>
    g.paths.map((p) => {
      try {
        return { url: new URL(p, url).href, what: `shard '${p}' of weights group ${gi}` };
      } catch {
        throw new ModelFetchError(
          `cannot resolve shard '${p}' relative to ${url}; load such a model with { modelJson, weights } instead`,
        );
      }
    }),
  );
  const shards = await Promise.all(
    urls.map(async (s) => new Uint8Array(await (await fetchBytes(s.url, s.what, options)).arrayBuffer())),
  );
  return { model, weights: decodeWeights(model.weightsManifest, shards), source: url };
}

// ---- files (Node) ------------------------------------------------------------------------------------------

function inNode(): boolean {
  const g = globalThis as { process?: { versions?: { node?: string } }; document?: unknown };
  return typeof g.process?.versions?.node === 'string' && g.document === undefined;
}

interface NodeFs {
  readFile(path: string | URL): Promise<Uint8Array>;
}
interface NodePath {
  resolve(...parts: string[]): string;
  dirname(p: string): string;
}

/** Node's built-ins, imported only when a file is read, so that a browser bundle never needs them. */
async function nodeModule<T>(name: string): Promise<T> {
  const specifier = `node:${name}`;
  return (await import(/* @vite-ignore */ specifier)) as T;
}

async function readFile(fs: NodeFs, path: string, what: string): Promise<Uint8Array> {
  try {
    return await fs.readFile(path);
  } catch (e) {
    const err = e as { code?: string; message: string };
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err.message;
    throw new ModelFetchError(`cannot read ${what} (${path}): ${why}${err.code ? ` (${err.code})` : ''}`);
  }
}

async function readFromFile(pathOrFileUrl: string, isFileUrl: boolean): Promise<ReadModel> {
  const [fs, path] = await Promise.all([nodeModule<NodeFs>('fs/promises'), nodeModule<NodePath>('path')]);
  const file = isFileUrl
    ? (await nodeModule<{ fileURLToPath(u: string): string }>('url')).fileURLToPath(pathOrFileUrl)
    : path.resolve(pathOrFileUrl);
  const text = new TextDecoder().decode(await readFile(fs, file, 'model.json'));
  const model = parseModelJson(text, { source: file });
  const dir = path.dirname(file);
  const shards = await Promise.all(
    model.weightsManifest.flatMap((g, gi) => g.paths.map((p) => readFile(fs, path.resolve(dir, p), `shard '${p}' of weights group ${gi}`))),
  );
  return { model, weights: decodeWeights(model.weightsManifest, shards), source: file };
}
