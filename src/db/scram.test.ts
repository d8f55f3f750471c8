import { describe, expect, it } from 'vitest';
import { checkPassword, scramSha256Verifier } from './scram.js';

describe('scramSha256Verifier', () => {
  it('matches the verifier PostgreSQL 15 stored for the same password and salt', () => {
    // From `CREATE ROLE … PASSWORD 'correct horse battery'` with password_encryption = scram-sha-256 (pg_authid).
    const stored =
      'SCRAM-SHA-256$4096:LiIuQJUQp7cL8Ob3m0/MAA==$zRTBe+imQ071WSLnb3qddHNjkjGGMEUTTDu6biGjgIo=:UH6II6qwmvD65kh4Nw0q4NIRm+rw1aKkcYvlnnRN2ZY=';
    const salt = Buffer.from('LiIuQJUQp7cL8Ob3m0/MAA==', 'base64');
    expect(scramSha256Verifier('correct horse battery', salt)).toBe(stored);
    expect(scramSha256Verifier('correct horse batterz', salt)).not.toBe(stored);
  });

  it('salts every verifier afresh', () => {
    expect(scramSha256Verifier('correct horse battery')).not.toBe(scramSha256Verifier('correct horse battery'));
  });
});

describe('checkPassword', () => {
  it('refuses short and non-ASCII passwords with a message saying why', () => {
    expect(() => checkPassword('short')).toThrow('at least 12 characters');
    expect(() => checkPassword('pässwörter-lang')).toThrow('printable ASCII');
    expect(() => checkPassword('tab\tinside-here')).toThrow('printable ASCII');
    expect(() => checkPassword('a perfectly fine one')).not.toThrow();
  });
});
