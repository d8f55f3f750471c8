import { LAMPORTS_PER_SIGNATURE, transactionFee } from '../../ledger/execute.js';
import { decodeMessageHeader, decodeTransaction } from '../../ledger/wire.js';
import { invalidParams } from '../errors.js';
import { bytesParam, commitmentOf, config, context, minContextSlot, u64 } from '../params.js';
import type { RpcMethods } from './types.js';

/** The fee of a message: decoded as a transaction with blank signatures, so priority fees count too. */
function messageFee(message: Uint8Array, signatures: number): bigint {
  try {
    const blank = Buffer.concat([Uint8Array.of(signatures), new Uint8Array(64 * signatures), message]);
    return signatures < 128 ? transactionFee(decodeTransaction(blank)) : LAMPORTS_PER_SIGNATURE * BigInt(signatures);
  } catch {
    return LAMPORTS_PER_SIGNATURE * BigInt(signatures);
  }
}

export const DEVNET_VERSION = { 'solana-core': '2.3.0', 'feature-set': 3_294_202_862 };

/** Cluster-level reads: health, version, slots, blockhashes, fees and rent. */
export const clusterMethods: RpcMethods = {
  getHealth: () => 'ok',
  getVersion: () => DEVNET_VERSION,
  getGenesisHash: (_p, { ledger }) => ledger.genesisHash,
  getIdentity: (_p, { ledger }) => ({ identity: ledger.faucet.address }),
  getFirstAvailableBlock: (_p, { ledger }) => ledger.chain.oldestSlot(),

  getSlot: ([cfgRaw], { ledger }) => {
    const cfg = config(cfgRaw);
    const slot = ledger.chain.slotFor(commitmentOf(cfg));
    minContextSlot(cfg, slot);
    return slot;
  },

  getBlockHeight: ([cfgRaw], { ledger }) => {
    const cfg = config(cfgRaw);
    minContextSlot(cfg, ledger.chain.slotFor(commitmentOf(cfg)));
    return ledger.chain.blockHeight(commitmentOf(cfg));
  },

  getEpochInfo: ([cfgRaw], { ledger }) => {
    const commitment = commitmentOf(config(cfgRaw));
    const slot = ledger.chain.slotFor(commitment);
    return {
      absoluteSlot: slot,
      blockHeight: ledger.chain.blockHeight(commitment),
      epoch: 0,
      slotIndex: slot,
      slotsInEpoch: 432_000,
      transactionCount: null,
    };
  },

  getLatestBlockhash: ([cfgRaw], { ledger }) => {
    const cfg = config(cfgRaw);
    const latest = ledger.chain.latestBlockhash(commitmentOf(cfg));
    minContextSlot(cfg, latest.slot);
    return {
      context: context(latest.slot),
      value: { blockhash: latest.blockhash, lastValidBlockHeight: latest.lastValidBlockHeight },
    };
  },

  isBlockhashValid: ([hash, cfgRaw], { ledger }) => {
    if (typeof hash !== 'string') throw invalidParams('Invalid params: blockhash must be a base58 string');
    const cfg = config(cfgRaw);
    const slot = ledger.chain.slotFor(commitmentOf(cfg, 'processed'));
    return { context: context(slot), value: ledger.chain.isBlockhashValid(hash) };
  },

  getMinimumBalanceForRentExemption: ([size], { ledger }) => {
    const bytes = u64(size ?? 0, 'data length');
    if (bytes > 10n * 1024n * 1024n) throw invalidParams('Invalid params: data length exceeds 10 MiB');
    return ledger.svm.minimumBalanceForRentExemption(bytes);
  },

  getFeeForMessage: ([message, cfgRaw], { ledger }) => {
    const cfg = config(cfgRaw);
    const bytes = bytesParam(message, 'base64', 'message');
    let header: ReturnType<typeof decodeMessageHeader>;
    try {
      header = decodeMessageHeader(bytes);
    } catch (err) {
      throw invalidParams(`Invalid params: invalid message: ${(err as Error).message}`);
    }
    const slot = ledger.chain.slotFor(commitmentOf(cfg));
    const valid = ledger.chain.isBlockhashValid(header.recentBlockhash);
    return { context: context(slot), value: valid ? messageFee(bytes, header.numRequiredSignatures) : null };
  },
};
