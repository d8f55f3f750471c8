import { describe, expect, it } from 'vitest';
import { decodeBase64Strict } from './base64.js';

describe('decodeBase64Strict', () => {
  it('decodes padded standard base64', () => {
    expect(decodeBase64Strict('')).toEqual(new Uint8Array());
    expect(decodeBase64Strict('AA==')).toEqual(Uint8Array.of(0));
    expect(decodeBase64Strict('AAE=')).toEqual(Uint8Array.of(0, 1));
    expect(decodeBase64Strict('AAEC')).toEqual(Uint8Array.of(0, 1, 2));
    expect(decodeBase64Strict('+/+/')).toEqual(Uint8Array.of(0xfb, 0xff, 0xbf));
  });

  it('refuses what Buffer.from would quietly skip or guess', () => {
    for (const bad of ['!!!', 'AAA', 'A===', 'AA=', 'AA==AA==', 'A A=', 'AA-_', '====', 'AAAA\n']) {
      expect(decodeBase64Strict(bad), JSON.stringify(bad)).toBeNull();
    }
  });
});
