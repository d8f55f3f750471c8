/**
 * Base58 encoding with a memory of recent results. Base58 is a big-number conversion (quadratic in the length):
 * on the indexer's hot path it cost more than decoding the accounts themselves, and most keys repeat — a thread's
 * address and its authors in every message account, a transaction's signature in each account it wrote.
 * Two generations bound the memory: when the young one fills, it becomes the old one and the previous old one
 * is dropped, so keys in use survive while one-off keys (each new message's own address) age out.
 */
import bs58 from 'bs58';

export class Base58Cache {
  private young = new Map<string, string>();
  private old = new Map<string, string>();

  constructor(private readonly generationSize = 50_000) {}

  encode(bytes: Uint8Array): string {
    // A latin1 string of the bytes is a cheap exact key (one char per byte).
    const id = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    let text = this.young.get(id);
    if (text !== undefined) return text;
    text = this.old.get(id) ?? bs58.encode(bytes);
    if (this.young.size >= this.generationSize) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(id, text);
    return text;
  }

  /** Entries held (both generations; a key can be in both). */
  get size(): number {
    return this.young.size + this.old.size;
  }
}

/** The process-wide cache the account and instruction decoders share. */
export const base58 = new Base58Cache();
