// Open model…: the parent resolves what the user chose into { modelJson, weights } (the sandboxed frame cannot read
// the user's files, nor fetch most URLs: its origin is opaque), and the run posts it into the frame as `openedModel`.
// Nothing is validated beyond finding the shards: the engine reads the model and says what is wrong with it.
import type { OpenedModel } from '../runner/host';

/** The largest model the playground opens (all files together). */
export const MAX_MODEL_BYTES = 256 << 20;

const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p;

/** The shard paths model.json lists, in manifest order (none when it is not JSON or lists none: the engine will say). */
function shardPaths(text: string): string[] {
  try {
    const json = JSON.parse(text) as { weightsManifest?: { paths?: unknown }[] };
    if (!Array.isArray(json.weightsManifest)) return [];
    return json.weightsManifest.flatMap((g) => (Array.isArray(g?.paths) ? g.paths.filter((p): p is string => typeof p === 'string') : []));
  } catch {
    return [];
  }
}

/**
 * Files from a picker or a drop: model.json (the one .json file, or the only file) and the shards it lists, matched
 * by file name. A shard that is missing is left out: the engine's error then says how many it expected.
 */
export async function modelFromFiles(files: readonly File[]): Promise<{ model: OpenedModel; missing: string[] }> {
  if (files.length === 0) throw new Error('no files were chosen');
  const total = files.reduce((n, f) => n + f.size, 0);
  if (total > MAX_MODEL_BYTES) throw new Error(`the files are ${(total / 2 ** 20).toFixed(0)} MiB together; the playground opens models up to ${MAX_MODEL_BYTES >> 20} MiB`);
  const jsons = files.filter((f) => f.name.toLowerCase().endsWith('.json'));
  if (jsons.length > 1) throw new Error(`choose one model.json with its shards, not ${jsons.length} .json files (${jsons.map((f) => f.name).join(', ')})`);
  const main = jsons[0] ?? (files.length === 1 ? files[0] : undefined);
  if (!main) throw new Error(`no model.json among the files (${files.map((f) => f.name).join(', ')}): choose model.json and its .bin shards together`);
  const modelJson = await main.text();
  const byName = new Map(files.filter((f) => f !== main).map((f) => [f.name, f]));
  const paths = shardPaths(modelJson);
  const weights: ArrayBuffer[] = [];
  const missing: string[] = [];
  for (const p of paths) {
    const f = byName.get(baseName(p));
    if (f) weights.push(await f.arrayBuffer());
    else missing.push(p);
  }
  return { model: { name: main.name, modelJson, weights }, missing };
}

/** model.json by URL (absolute, or relative to the page) and its shards beside it, fetched by the page. */
export async function modelFromUrl(url: string): Promise<OpenedModel> {
  let href: string;
  try {
    href = new URL(url.trim(), document.baseURI).href;
  } catch {
    throw new Error(`"${url}" is not a URL`);
  }
  const get = async (u: string, what: string) => {
    let r: Response;
    try {
      r = await fetch(u);
    } catch (e) {
      throw new Error(`cannot fetch ${what} (${u}): ${(e as Error).message} (a server on another origin must send CORS headers)`);
    }
    if (!r.ok) throw new Error(`HTTP ${r.status} fetching ${what} (${u})`);
    return r;
  };
  const modelJson = await (await get(href, 'model.json')).text();
  const weights = await Promise.all(shardPaths(modelJson).map(async (p) => (await get(new URL(p, href).href, `shard ${p}`)).arrayBuffer()));
  if (weights.reduce((n, w) => n + w.byteLength, 0) > MAX_MODEL_BYTES) throw new Error(`the model is larger than ${MAX_MODEL_BYTES >> 20} MiB`);
  return { name: href, modelJson, weights };
}
