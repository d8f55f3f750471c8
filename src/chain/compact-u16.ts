/** Solana's compact-u16 length prefix (7 bits per byte, high bit = more), appended to `out`, which is returned. */
export function compactU16(n: number, out: number[] = []): number[] {
  let rest = n;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    if (rest === 0) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}
