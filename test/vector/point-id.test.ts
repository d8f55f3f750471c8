import { describe, expect, it } from 'vitest';
import {
  isContentHash,
  isRecordAddress,
  legacyMessagePointId,
  messagePointId,
  sha256Hex,
  threadPointId,
  uuidFromHash,
} from '../../src/vector/point-id.js';
import { messageAddress, THREAD_A, THREAD_B } from './fixtures.js';

const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('point ids', () => {
  it('derive a message id as a version-8 UUID of sha256("choir:message:" + address), the same every time', () => {
    const address = messageAddress('hello', THREAD_A);
    const digest = sha256Hex(`choir:message:${address}`);
    expect(messagePointId(address)).toBe(uuidFromHash(digest));
    expect(messagePointId(address)).toMatch(UUID_V8);
    expect(messagePointId(address)).toBe(messagePointId(messageAddress('hello', THREAD_A)));
    // The first 128 bits of the digest, with version and variant bits set.
    expect(messagePointId(address).replaceAll('-', '').slice(0, 12)).toBe(digest.slice(0, 12));
  });

  it('give the same content in two threads two ids, and neither is the old content-hash id', () => {
    const inA = messagePointId(messageAddress('+1', THREAD_A));
    const inB = messagePointId(messageAddress('+1', THREAD_B));
    expect(inA).not.toBe(inB);
    expect([inA, inB]).not.toContain(legacyMessagePointId(sha256Hex('+1')));
    expect(legacyMessagePointId(sha256Hex('hello'))).toBe('2cf24dba-5fb0-830e-a6e8-3b2ac5b9e29e');
  });

  it('keep thread ids apart from message ids, even for the same address', () => {
    expect(threadPointId('T1')).toMatch(UUID_V8);
    expect(threadPointId('T1')).not.toBe(threadPointId('T2'));
    expect(threadPointId(THREAD_A)).not.toBe(messagePointId(THREAD_A));
  });

  it('recognise content hashes and record addresses', () => {
    expect(isContentHash(sha256Hex('x'))).toBe(true);
    expect(isContentHash(sha256Hex('x').toUpperCase())).toBe(false);
    expect(isContentHash('abc')).toBe(false);
    expect(uuidFromHash('f'.repeat(64))).toBe('ffffffff-ffff-8fff-bfff-ffffffffffff');
    expect(isRecordAddress(THREAD_A)).toBe(true);
    expect(isRecordAddress(messageAddress('x'))).toBe(true);
    expect(isRecordAddress('1'.repeat(32))).toBe(true); // 32 zero bytes: the system program's address
    expect(isRecordAddress('1'.repeat(44))).toBe(false); // 44 zero bytes
    expect(isRecordAddress(`${THREAD_A.slice(0, -1)}0`)).toBe(false); // '0' is not base58
    expect(isRecordAddress(sha256Hex('x'))).toBe(false);
    expect(isRecordAddress(undefined)).toBe(false);
  });
});
