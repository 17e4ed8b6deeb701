// Share links: the snippet and the mode in the URL hash, deflate-raw compressed (CompressionStream) and
// base64url-encoded, with a version prefix. Decoding validates everything and caps the sizes, so a
// corrupt or hostile link can only produce a friendly message.

export type Mode = 'eager' | 'graph';

export interface Shared {
  code: string;
  mode: Mode;
}

/** `#v1/<base64url of deflate-raw(JSON {c, m})>`. */
const PREFIX = '#v1/';
/** Largest hash accepted (characters) and largest decompressed payload (bytes). */
export const MAX_HASH = 64 * 1024;
export const MAX_CODE = 256 * 1024;

export class ShareError extends Error {}

const toBase64Url = (bytes: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

const fromBase64Url = (text: string): Uint8Array => {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new ShareError('the link contains characters that are not base64url');
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    throw new ShareError('the link is not valid base64url');
  }
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream, cap: number): Promise<Uint8Array> {
  const reader = new Blob([bytes as BlobPart]).stream().pipeThrough(stream).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > cap) {
      await reader.cancel();
      throw new ShareError(`the shared snippet is larger than ${cap / 1024} KiB`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export async function encodeShare(s: Shared): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify({ c: s.code, m: s.mode }));
  return PREFIX + toBase64Url(await pipe(json, new CompressionStream('deflate-raw'), Infinity));
}

/** undefined when the hash is not a share link at all; throws ShareError when it is one but is unusable. */
export async function decodeShare(hash: string): Promise<Shared | undefined> {
  if (!hash || hash === '#') return undefined;
  if (!hash.startsWith('#v')) return undefined;
  if (!hash.startsWith(PREFIX)) throw new ShareError(`this link was made by another version of the playground (${hash.slice(1, hash.indexOf('/') > 0 ? hash.indexOf('/') : 4)})`);
  if (hash.length > MAX_HASH) throw new ShareError(`the link is too long (${hash.length} characters; at most ${MAX_HASH})`);
  let json: unknown;
  try {
    const bytes = await pipe(fromBase64Url(hash.slice(PREFIX.length)), new DecompressionStream('deflate-raw'), MAX_CODE);
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    if (e instanceof ShareError) throw e;
    throw new ShareError('the link is damaged (it does not decompress to a snippet)');
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new ShareError('the link does not hold a snippet');
  const { c, m } = json as { c?: unknown; m?: unknown };
  if (typeof c !== 'string') throw new ShareError('the link does not hold a snippet');
  if (m !== 'eager' && m !== 'graph') throw new ShareError('the link names an unknown mode');
  return { code: c, mode: m };
}
