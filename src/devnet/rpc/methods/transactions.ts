import type { Ledger } from '../../ledger/ledger.js';
import { simulateTransaction } from '../../ledger/simulate.js';
import { transferTransaction } from '../../ledger/system-tx.js';
import type { TransactionErrorJson } from '../../ledger/tx-error.js';
import { type DecodedTransaction, decodeTransaction } from '../../ledger/wire.js';
import { accountEncoding, encodedTransaction, signatureStatus, transactionMeta, uiAccount } from '../encoding.js';
import { invalidParams, RpcCodes, RpcError } from '../errors.js';
import {
  bytesParam,
  commitmentOf,
  config,
  confirmedAtLeast,
  context,
  minContextSlot,
  pubkey,
  signature,
  u64,
} from '../params.js';
import type { RpcMethods } from './types.js';

const MAX_SIGNATURE_STATUSES = 256;
const MAX_AIRDROP_LAMPORTS = 1_000_000n * 1_000_000_000n;

const ERROR_TEXT: Record<string, string> = {
  AlreadyProcessed: 'This transaction has already been processed',
  BlockhashNotFound: 'Blockhash not found',
  AccountNotFound: 'Attempt to debit an account but found no record of a prior credit.',
  InsufficientFundsForFee: 'Insufficient funds for fee',
  SignatureFailure: 'Transaction did not pass signature verification',
};

function describe(err: TransactionErrorJson): string {
  if (typeof err === 'string') return ERROR_TEXT[err] ?? err;
  const ix = (err as { InstructionError?: [number, unknown] }).InstructionError;
  if (ix) {
    const inner = ix[1] as { Custom?: number } | string;
    const text = typeof inner === 'string' ? inner : `custom program error: 0x${(inner.Custom ?? 0).toString(16)}`;
    return `Error processing Instruction ${ix[0]}: ${text}`;
  }
  return JSON.stringify(err);
}

function preflightFailure(err: TransactionErrorJson, logs: string[], unitsConsumed = 0n): RpcError {
  return new RpcError(RpcCodes.SEND_TRANSACTION_PREFLIGHT_FAILURE, `Transaction simulation failed: ${describe(err)}`, {
    accounts: null,
    err,
    innerInstructions: null,
    logs,
    replacementBlockhash: null,
    returnData: null,
    unitsConsumed,
  });
}

function decodeParam(raw: unknown, cfg: Record<string, unknown>): DecodedTransaction {
  const bytes = bytesParam(raw, cfg['encoding'] ?? 'base58', 'transaction');
  try {
    return decodeTransaction(bytes);
  } catch (err) {
    throw invalidParams(`failed to deserialize transaction: ${(err as Error).message}`);
  }
}

/** Validator-like send: dedupe, blockhash window, optional preflight, then execution in the open slot. */
export function sendTransaction(ledger: Ledger, tx: DecodedTransaction, skipPreflight: boolean): string {
  if (ledger.transactions.get(tx.signature)) {
    if (skipPreflight) return tx.signature;
    throw preflightFailure('AlreadyProcessed', []);
  }
  if (!ledger.chain.isBlockhashValid(tx.recentBlockhash)) {
    // Without preflight a validator accepts the transaction and silently drops it.
    if (skipPreflight) return tx.signature;
    throw preflightFailure('BlockhashNotFound', []);
  }
  if (!skipPreflight) {
    const sim = simulateTransaction(ledger.svm, tx, true);
    if (sim.err === 'SignatureFailure') {
      throw new RpcError(
        RpcCodes.TRANSACTION_SIGNATURE_VERIFICATION_FAILURE,
        'Transaction signature verification failure',
      );
    }
    if (sim.err !== null) throw preflightFailure(sim.err, sim.logs, sim.unitsConsumed);
  }
  const execution = ledger.send(tx);
  if (!execution.landed && execution.err === 'SignatureFailure') {
    throw new RpcError(
      RpcCodes.TRANSACTION_SIGNATURE_VERIFICATION_FAILURE,
      'Transaction signature verification failure',
    );
  }
  return tx.signature;
}

export const transactionMethods: RpcMethods = {
  sendTransaction: ([raw, cfgRaw], { ledger }) => {
    const cfg = config(cfgRaw);
    return sendTransaction(ledger, decodeParam(raw, cfg), cfg['skipPreflight'] === true);
  },

  simulateTransaction: ([raw, cfgRaw], { ledger }) => {
    const cfg = config(cfgRaw);
    const tx = decodeParam(raw, cfg);
    const slot = ledger.chain.slotFor(commitmentOf(cfg));
    minContextSlot(cfg, slot);
    const replace = cfg['replaceRecentBlockhash'] === true;
    if (replace && cfg['sigVerify'] === true) {
      throw invalidParams('Invalid params: sigVerify may not be used with replaceRecentBlockhash');
    }
    const latest = ledger.chain.latestBlockhash('processed');
    const sim =
      !replace && !ledger.chain.isBlockhashValid(tx.recentBlockhash)
        ? { err: 'BlockhashNotFound', logs: [], unitsConsumed: 0n, returnData: null, postAccounts: new Map() }
        : simulateTransaction(ledger.svm, tx, cfg['sigVerify'] === true);
    const accountsCfg = cfg['accounts'] as { addresses?: unknown; encoding?: unknown } | undefined;
    let accounts: unknown = null;
    if (accountsCfg && typeof accountsCfg === 'object') {
      if (!Array.isArray(accountsCfg.addresses)) throw invalidParams('Invalid params: accounts.addresses');
      const encoding = accountEncoding({ encoding: accountsCfg.encoding ?? 'base64' });
      accounts = accountsCfg.addresses.map((a) => {
        const address = pubkey(a);
        const account = sim.postAccounts.get(address) ?? ledger.getAccount(address);
        return account ? uiAccount(account, encoding, null) : null;
      });
    }
    return {
      context: context(slot),
      value: {
        err: sim.err,
        logs: sim.logs,
        accounts,
        unitsConsumed: sim.unitsConsumed,
        returnData: sim.returnData
          ? {
              programId: sim.returnData.programId,
              data: [Buffer.from(sim.returnData.data).toString('base64'), 'base64'],
            }
          : null,
        innerInstructions: null,
        replacementBlockhash: replace
          ? { blockhash: latest.blockhash, lastValidBlockHeight: latest.lastValidBlockHeight }
          : null,
      },
    };
  },

  getSignatureStatuses: ([sigs], { ledger }) => {
    if (!Array.isArray(sigs)) throw invalidParams('Invalid params: expected an array of signatures');
    if (sigs.length > MAX_SIGNATURE_STATUSES) {
      throw invalidParams(`Too many inputs provided; max ${MAX_SIGNATURE_STATUSES}`);
    }
    const value = sigs.map((s) => {
      const record = ledger.transactions.get(signature(s));
      const status = record ? ledger.chain.confirmationStatus(record.slot) : null;
      return record && status ? signatureStatus(record, status, ledger.chain.openSlot) : null;
    });
    return { context: context(ledger.chain.openSlot), value };
  },

  getTransaction: ([sig, cfgRaw], { ledger }) => {
    const id = signature(sig);
    const cfg = typeof cfgRaw === 'string' ? { encoding: cfgRaw } : config(cfgRaw);
    const commitment = confirmedAtLeast(commitmentOf(cfg));
    const record = ledger.getTransaction(id, commitment);
    if (!record) return null;
    const maxVersion = cfg['maxSupportedTransactionVersion'];
    if (record.version === 0 && (maxVersion === undefined || maxVersion === null)) {
      throw new RpcError(
        RpcCodes.TRANSACTION_VERSION_NOT_SUPPORTED,
        'Transaction version (0) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": 0',
      );
    }
    return {
      slot: record.slot,
      blockTime: record.blockTime,
      transaction: encodedTransaction(record, typeof cfg['encoding'] === 'string' ? cfg['encoding'] : 'json'),
      meta: transactionMeta(record),
      ...(maxVersion === undefined || maxVersion === null ? {} : { version: record.version }),
    };
  },

  getSignaturesForAddress: ([key, cfgRaw], { ledger }) => {
    const address = pubkey(key, 'address');
    const cfg = config(cfgRaw);
    const commitment = confirmedAtLeast(commitmentOf(cfg));
    const limit = cfg['limit'] === undefined || cfg['limit'] === null ? 1000 : Number(u64(cfg['limit'], 'limit'));
    if (limit < 1 || limit > 1000) throw invalidParams('Invalid limit; max 1000');
    const before = cfg['before'] === undefined || cfg['before'] === null ? null : signature(cfg['before']);
    const until = cfg['until'] === undefined || cfg['until'] === null ? null : signature(cfg['until']);
    const out = [];
    let started = before === null;
    for (const record of ledger.transactions.forAddress(address)) {
      if (!started) {
        started = record.signature === before;
        continue;
      }
      if (record.signature === until) break;
      if (!ledger.chain.isVisible(record.slot, commitment)) continue;
      out.push({
        signature: record.signature,
        slot: record.slot,
        err: record.err,
        memo: null,
        blockTime: record.blockTime,
        confirmationStatus: ledger.chain.confirmationStatus(record.slot),
      });
      if (out.length >= limit) break;
    }
    return out;
  },

  requestAirdrop: ([key, amount], { ledger }) => {
    const to = pubkey(key);
    const lamports = u64(amount, 'lamports');
    if (lamports === 0n || lamports > MAX_AIRDROP_LAMPORTS) throw invalidParams('Invalid params: airdrop amount');
    const wire = transferTransaction(ledger.faucet, to, lamports, ledger.chain.latestBlockhash('processed').blockhash);
    return sendTransaction(ledger, decodeTransaction(wire), true);
  },
};
