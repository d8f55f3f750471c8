/**
 * Strict standard base64 (RFC 4648 §4, padded), as Agave and Yellowstone decode filter data. Node's
 * `Buffer.from(s, 'base64')` skips characters it does not know, so `"!!!"` decodes to zero bytes — and a memcmp
 * filter with zero bytes matches every account. Returns null for anything that is not canonical base64.
 */
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function decodeBase64Strict(text: string): Uint8Array | null {
  if (!STRICT_BASE64.test(text)) return null;
  return new Uint8Array(Buffer.from(text, 'base64'));
}
