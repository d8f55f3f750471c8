import { Keypair, PublicKey } from '@solana/web3.js';
import { describe, expect, it } from 'vitest';
import {
  contentHash,
  messageCanonicalMessage,
  relayed,
  submitMessageInstruction,
} from '../../programs/choir/client/index.js';
import { Relayer } from '../chain/relayer.js';
import { createRpcClient } from '../chain/rpc-client.js';
import { silentLogger } from '../observability/logger.js';
import { pack } from './pack.js';

describe('pack', () => {
  const relayer = new Relayer({
    rpc: createRpcClient('http://127.0.0.1:1'),
    keypair: Keypair.generate(),
    logger: silentLogger,
  });
  const thread = new PublicKey(Keypair.generate().publicKey);
  const author = Keypair.generate().publicKey;
  const items = Array.from({ length: 20 }, (_, i) => {
    const hash = contentHash(`m${i}`);
    const ix = submitMessageInstruction({ payer: relayer.publicKey, author, thread, contentHash: hash, relayed: true });
    return { item: i, instructions: relayed(ix, author, messageCanonicalMessage(thread, hash), new Uint8Array(64)) };
  });

  it('fills each transaction up to 1,232 bytes, in order, losing nothing', () => {
    const txs = pack(items, (ixs) => relayer.fits(ixs));
    expect(txs.flat().map((p) => p.item)).toEqual(items.map((p) => p.item));
    expect(txs.length).toBeLessThan(items.length / 2);
    for (const tx of txs) expect(relayer.transactionSize(tx.flatMap((p) => p.instructions))).toBeLessThanOrEqual(1232);
    // Full: each transaction but the last could not take the next item.
    for (let i = 0; i < txs.length - 1; i++) {
      const next = txs[i + 1]?.[0];
      expect(relayer.fits([...(txs[i] ?? []), ...(next ? [next] : [])].flatMap((p) => p.instructions))).toBe(false);
    }
  });
});
