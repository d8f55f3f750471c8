/**
 * provideContent's transport checks (the adoption itself — hash check, points restored — is tested on the devnet in
 * test/consistency/adopt-content.devnet.test.ts): bad lists and keys are BAD_USER_INPUT naming the field, a NUL
 * is refused before it reaches Postgres, a good list reaches the service as given, and an API without the service
 * says so.
 */
import { Keypair } from '@solana/web3.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdoptReport, OfferedContent } from '../../src/consistency/adopt-content.js';
import { useMigratedPool } from '../support/migrated-pool.js';
import { gql, type RunningApi, startApi } from './harness.js';

const PROVIDE = `mutation ($m: [ContentInput!]!) { provideContent(messages: $m) { stored held mismatched notIndexed } }`;

describe('provideContent', () => {
  const db = useMigratedPool({ max: 4 });
  let api: RunningApi;
  let bare: RunningApi;
  const received: (readonly OfferedContent[])[] = [];

  beforeAll(async () => {
    api = await startApi(db, {
      services: {
        async adoptContent(offered): Promise<AdoptReport> {
          received.push(offered);
          return { stored: 1, held: 0, mismatched: [], notIndexed: [offered[1]?.address ?? ''], pointsRestored: 1 };
        },
      },
    });
    bare = await startApi(db);
  });
  afterAll(async () => {
    await api?.close();
    await bare?.close();
  });

  const key = () => Keypair.generate().publicKey.toBase58();

  it('passes a well-formed list to the service and answers its report', async () => {
    const m = [
      { address: key(), content: 'first' },
      { address: key(), content: 'second' },
    ];
    const r = await gql(api.url, PROVIDE, { m });
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ provideContent: { stored: 1, held: 0, mismatched: [], notIndexed: [m[1]?.address] } });
    expect(received.at(-1)).toEqual(m);
  });

  it('refuses bad input with BAD_USER_INPUT naming the field, before the service sees it', async () => {
    const before = received.length;
    for (const [m, field] of [
      [[], 'messages'],
      [Array.from({ length: 101 }, () => ({ address: key(), content: 'x' })), 'messages'],
      [[{ address: 'not-a-key', content: 'x' }], 'messages[0].address'],
      [[{ address: key(), content: '' }], 'messages[0].content'],
      [[{ address: key(), content: 'nul \u0000 inside' }], 'messages[0].content'],
    ] as const) {
      const r = await gql(api.url, PROVIDE, { m });
      expect(r.errors?.[0]?.extensions?.code, JSON.stringify(m).slice(0, 60)).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(r.errors?.[0])).toContain(field);
    }
    expect(received.length).toBe(before);
  });

  it('says the service is not configured on an API without it', async () => {
    const r = await gql(bare.url, PROVIDE, { m: [{ address: key(), content: 'x' }] });
    expect(r.errors?.[0]?.message).toMatch(/adoptContent/);
  });
});
