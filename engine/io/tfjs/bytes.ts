// Byte-level helpers of the TensorFlow.js reader: base64 (protobuf JSON's bytes), UTF-8, float16 → float32,
// and joining buffers. Plain functions on typed arrays; nothing here knows about models.

/** Decodes base64 (standard or URL-safe alphabet, padding optional), as protobuf's JSON form writes bytes. */
export function base64ToBytes(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.replace(/=+$/, '').length % 4 === 1) {
    throw new Error(`not valid base64: ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)}`);
  }
  const padded = clean.replace(/=+$/, '');
  const binary = atob(padded + '='.repeat((4 - (padded.length % 4)) % 4));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

const utf8 = new TextDecoder('utf-8');
/** UTF-8 text of some bytes (invalid sequences become U+FFFD). */
export function bytesToText(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/**
 * The float32 bit pattern of one IEEE 754 half-precision value, exactly: zeros keep their sign, subnormals are
 * normalised, infinities stay infinite and NaNs keep their payload (shifted into the top of the float32 mantissa).
 */
export function float16BitsToFloat32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >> 10) & 0x1f;
  let mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0; // rebias 15 → 127
  if (mant === 0) return sign >>> 0;
  // Subnormal: mant · 2^-24. Shift the leading one up to bit 10 (the hidden bit), lowering the exponent each step.
  let e = 113; // the exponent field of 2^-14, the smallest normal half, in float32's bias
  while ((mant & 0x400) === 0) {
    mant <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((mant & 0x3ff) << 13)) >>> 0;
}

let halfTable: Uint32Array | undefined;
/** float32 bits of all 65536 halves, built on first use (256 KiB). */
function float16Table(): Uint32Array {
  if (!halfTable) {
    halfTable = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = float16BitsToFloat32Bits(h);
  }
  return halfTable;
}

/** Converts half-precision bit patterns to float32 values, bit-exactly (see float16BitsToFloat32Bits). */
export function float16ToFloat32(halves: Uint16Array): Float32Array {
  const table = float16Table();
  const bits = new Uint32Array(halves.length);
  for (let i = 0; i < halves.length; i++) bits[i] = table[halves[i]];
  return new Float32Array(bits.buffer);
}

/** The bytes of several buffers one after another, in a new ArrayBuffer. */
export function concatBuffers(parts: readonly (ArrayBuffer | Uint8Array)[]): ArrayBuffer {
  const views = parts.map((p) => (p instanceof Uint8Array ? p : new Uint8Array(p)));
  const out = new Uint8Array(views.reduce((n, v) => n + v.byteLength, 0));
  let at = 0;
  for (const v of views) {
    out.set(v, at);
    at += v.byteLength;
  }
  return out.buffer;
}
