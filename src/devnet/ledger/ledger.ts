import { createHash, randomBytes } from 'node:crypto';
import bs58 from 'bs58';
import { Clock, LiteSVM } from 'litesvm';
import type { Logger } from '../../observability/logger.js';
import { AccountVersions } from './account-versions.js';
import { accountStateOf, readAccount, writeAccount } from './accounts.js';
import { EventLog } from './event-log.js';
import { type AccountWrite, type Execution, executeTransaction } from './execute.js';
import { type GenesisInfo, Journal, type JournalEntry } from './journal.js';
import { assertSameProgramBuild } from './program-build.js';
import { Signer } from './signer.js';
import { SlotChain } from './slot-chain.js';
import { TransactionIndex } from './tx-index.js';
import type { AccountState, Commitment, TransactionRecord } from './types.js';
import { type DecodedTransaction, firstSignature, staticKeyBytes } from './wire.js';

/** The program deployed at genesis: its id, its ELF and how to deploy it (through BPF Loader Upgradeable). */
export interface ProgramSpec {
  readonly programId: string;
  readonly elf: Uint8Array;
  /** Deploys into a fresh LiteSVM; `payer` is funded. Defaults to `svm.addProgram` (loader v3 accounts). */
  readonly deploy?: (svm: LiteSVM, payer: Signer) => void;
}

export interface LedgerOptions {
  /** Where the ledger persists; `null` keeps it in memory only (tests, benchmarks). */
  readonly dataDir: string | null;
  readonly finalityDepth: number;
  readonly historySlots: number;
  readonly program: ProgramSpec | null;
  readonly logger: Logger;
  /** Wall clock in ms, injectable so tests get deterministic block times. */
  readonly now?: () => number;
}

const FAUCET_LAMPORTS = 500_000_000n * 1_000_000_000n;
/** Journal lines between checkpoints (a restart replays at most the retained history plus this many). */
const CHECKPOINT_LINES = 50_000;

/**
 * A single-node chain: LiteSVM executes, this class keeps slots, commitment, history and persistence. Every state
 * change goes through `apply`, live or replayed from the journal, so a restarted ledger is the same chain.
 */
export class Ledger {
  readonly events = new EventLog();
  readonly versions = new AccountVersions();
  readonly transactions = new TransactionIndex();
  readonly chain: SlotChain;
  private writeVersion = 0n;
  private replaying = false;

  private constructor(
    readonly svm: LiteSVM,
    readonly genesis: GenesisInfo,
    readonly faucet: Signer,
    private readonly journal: Journal | null,
    private readonly options: LedgerOptions,
  ) {
    this.chain = new SlotChain(genesis.genesisHash, genesis.createdAt, options.finalityDepth, this.events);
  }

  static open(options: LedgerOptions): Ledger {
    const journal = options.dataDir === null ? null : Journal.open(options.dataDir);
    let ledger: Ledger;
    if (journal?.hasGenesis()) {
      const { info, state } = journal.readGenesis();
      // Without an ELF the ledger keeps the program it has (start.ts warns); with one, it must be the same build.
      if (options.program && options.dataDir !== null) {
        const current = { programId: options.program.programId, sha256: sha256(options.program.elf) };
        assertSameProgramBuild(info, current, options.dataDir);
      }
      ledger = new Ledger(
        configure(LiteSVM.fromBytes(state)),
        info,
        new Signer(bs58.decode(info.faucetSeed)),
        journal,
        options,
      );
      ledger.replay(journal.entries());
      ledger.syncClock();
      options.logger.info({ slot: ledger.chain.openSlot, genesisHash: info.genesisHash }, 'devnet ledger restored');
    } else {
      const svm = configure(new LiteSVM());
      const faucet = Signer.generate();
      writeAccount(svm, faucet.address, {
        lamports: FAUCET_LAMPORTS,
        owner: '11111111111111111111111111111111',
        executable: false,
        rentEpoch: 0n,
        data: new Uint8Array(),
      });
      if (options.program) {
        const deploy =
          options.program.deploy ??
          ((s: LiteSVM) => s.addProgram(options.program!.programId as never, options.program!.elf));
        deploy(svm, faucet);
      }
      const info: GenesisInfo = {
        genesisHash: bs58.encode(randomBytes(32)),
        faucetSeed: bs58.encode(faucet.seed),
        createdAt: (options.now ?? Date.now)(),
        programId: options.program?.programId ?? null,
        programSha256: options.program ? sha256(options.program.elf) : null,
      };
      journal?.writeGenesis(info, svm.toBytes());
      ledger = new Ledger(svm, info, faucet, journal, options);
      ledger.syncClock();
      options.logger.info({ genesisHash: info.genesisHash, dataDir: options.dataDir }, 'devnet ledger created');
    }
    return ledger;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private replay(entries: Iterable<{ entry: JournalEntry; line: string }>): void {
    this.replaying = true;
    try {
      for (const { entry, line } of entries) {
        if (entry.t !== 'base') this.journal?.retain(this.slotOf(entry), line);
        this.apply(entry);
      }
    } finally {
      this.replaying = false;
    }
  }

  /** The slot an entry belongs to (checkpoints keep the entries of the retained history). */
  private slotOf(entry: JournalEntry): number {
    if (entry.t === 'tx') return entry.record.slot;
    if (entry.t === 'base') return entry.slot;
    return this.chain.openSlot;
  }

  /** The one place state changes: live operations journal an entry and apply it. */
  private apply(entry: JournalEntry): void {
    if (!this.replaying) this.journal?.append(entry, this.slotOf(entry));
    switch (entry.t) {
      case 'base':
        this.chain.resetTo(entry.slot, entry.parent, entry.blockHeight, entry.now);
        if (entry.writeVersion > this.writeVersion) this.writeVersion = entry.writeVersion;
        break;
      case 'tx':
        this.commitTransaction(entry.record, entry.writes);
        break;
      case 'write':
        this.commitWrite(entry.write);
        break;
      case 'tick':
        this.chain.advance(entry.now, (slot) => this.versions.finalize(slot));
        this.trimHistory();
        this.syncClock();
        // Empty slots are cheap to lose in a crash (they come back identical but for block times): flush now and
        // then, while every transaction is flushed at once (see `send`).
        if (this.chain.openSlot % 25 === 0) this.journal?.flush();
        if (!this.replaying && (this.journal?.uncheckpointedLines ?? 0) > CHECKPOINT_LINES) this.checkpoint();
        break;
      case 'dead':
        this.abandonOpenSlot();
        this.syncClock();
        this.journal?.flush();
        break;
    }
  }

  private commitTransaction(record: TransactionRecord, writes: (AccountWrite & { wv: bigint })[]): void {
    const slot = record.slot;
    const signatureBytes = firstSignature(record.wire);
    for (const write of writes) {
      if (this.replaying) writeAccount(this.svm, write.pubkey, write.after);
      this.recordWrite(
        slot,
        write,
        record.signature,
        signatureBytes,
        staticKeyBytes(record.wire, record.accountKeys, write.pubkey),
      );
    }
    this.transactions.add(record);
    this.chain.addTransaction(record.signature);
    this.events.append({ kind: 'transaction', slot, tx: record });
  }

  /** A direct account write in the open slot: into LiteSVM, the versions (so forks undo it) and the stream. */
  private commitWrite(write: AccountWrite & { wv: bigint }): void {
    const slot = this.chain.openSlot;
    writeAccount(this.svm, write.pubkey, write.after);
    this.recordWrite(slot, write, null, null);
  }

  /** Records an applied write: in the versions (so a fork undoes it), the write-version clock and the stream. */
  private recordWrite(
    slot: number,
    write: AccountWrite & { wv: bigint },
    txnSignature: string | null,
    txnSignatureBytes: ReturnType<typeof firstSignature> | null,
    pubkeyBytes: Uint8Array | undefined = undefined,
  ): void {
    this.versions.record(write.pubkey, slot, write.before, write.after);
    if (write.wv > this.writeVersion) this.writeVersion = write.wv;
    this.events.append({
      kind: 'account',
      slot,
      pubkey: write.pubkey,
      account: write.after,
      writeVersion: write.wv,
      txnSignature,
      txnSignatureBytes,
      pubkeyBytes,
    });
  }

  private abandonOpenSlot(): void {
    const dead = this.chain.openSlot;
    for (const [pubkey, account] of this.versions.undoSlot(dead)) writeAccount(this.svm, pubkey, account);
    this.transactions.remove(this.chain.record(dead)?.transactions ?? []);
    this.chain.abandon(this.now());
  }

  /** Programs read the Clock sysvar: keep it on the open slot. */
  private syncClock(): void {
    const open = this.chain.openRecord();
    const unix = BigInt(Math.floor(open.unixTime / 1000));
    this.svm.setClock(new Clock(BigInt(open.slot), unix, 0n, 0n, unix));
  }

  private trimHistory(): void {
    const minSlot = this.chain.openSlot - this.options.historySlots;
    const dropped = this.chain.trimBefore(minSlot);
    if (dropped.length > 0) this.transactions.remove(dropped);
    this.events.trimBefore(minSlot);
  }

  // ── Live operations ───────────────────────────────────────────────────────────────────────────────────────

  /** Executes a transaction in the open slot. Rejected transactions change nothing and are not journaled. */
  send(tx: DecodedTransaction): Execution {
    if (this.transactions.get(tx.signature)) return { landed: false, err: 'AlreadyProcessed', logs: [] };
    const open = this.chain.openRecord();
    const execution = executeTransaction(this.svm, tx, {
      slot: open.slot,
      index: open.transactions.length,
      blockTime: Math.floor(open.unixTime / 1000),
    });
    if (!execution.landed) return execution;
    const writes = execution.writes.map((w) => ({ ...w, wv: ++this.writeVersion }));
    this.apply({ t: 'tx', record: execution.record, writes });
    // Durable before anyone hears of it: what RPC acknowledged and Geyser streamed survives a crash.
    this.journal?.flush();
    return execution;
  }

  /**
   * Fault hook: writes an account as it is given (any owner, data, lamports) in the open slot, outside any
   * transaction, with the next write version. It is journaled, streamed (no transaction signature) and undone if
   * the slot is abandoned, like a transaction's write. `null` (or zero lamports) closes the account.
   */
  writeAccount(pubkey: string, account: AccountState | null): { slot: number; writeVersion: bigint } {
    const after =
      account === null || account.lamports === 0n ? null : { ...account, data: Uint8Array.from(account.data) };
    const write = { pubkey, before: readAccount(this.svm, pubkey), after, wv: this.writeVersion + 1n };
    this.apply({ t: 'write', write });
    // Durable before anyone hears of it, as for transactions.
    this.journal?.flush();
    return { slot: this.chain.openSlot, writeVersion: write.wv };
  }

  /** Closes the open slot and opens the next one, `count` times (the slot clock calls this once per slot). */
  tick(count = 1): void {
    for (let i = 0; i < count; i++) this.apply({ t: 'tick', now: this.now() });
  }

  /** Fault hook: the open slot becomes `dead`, its writes are undone, and a sibling slot opens. */
  abandonSlot(): number {
    const slot = this.chain.openSlot;
    this.apply({ t: 'dead' });
    return slot;
  }

  flush(): void {
    this.journal?.flush();
  }

  /**
   * Snapshots LiteSVM and rewrites the journal with the retained history only, so restarts replay a bounded
   * journal. Runs every CHECKPOINT_LINES journal lines and when the devnet closes.
   */
  checkpoint(): void {
    if (!this.journal) return;
    const oldest = this.chain.oldestSlot();
    const record = this.chain.record(oldest);
    if (oldest < 2 || !record || record.parent === null) {
      this.journal.flush();
      return;
    }
    this.journal.checkpoint(this.svm.toBytes(), {
      t: 'base',
      slot: oldest,
      parent: record.parent,
      blockHeight: record.blockHeight,
      now: record.unixTime,
      writeVersion: this.writeVersion,
    });
    this.options.logger.debug({ slot: this.chain.openSlot, from: oldest }, 'devnet ledger checkpoint');
  }

  // ── Reads ─────────────────────────────────────────────────────────────────────────────────────────────────

  getAccount(pubkey: string, commitment: Commitment = 'processed'): AccountState | null {
    if (commitment !== 'processed') {
      const version = this.versions.at(pubkey, this.chain.slotFor(commitment));
      if (version !== undefined) return version;
    }
    return readAccount(this.svm, pubkey);
  }

  /** Accounts owned by `owner` at a commitment level: LiteSVM's (processed) view, corrected by newer writes. */
  getProgramAccounts(owner: string, commitment: Commitment = 'processed'): Map<string, AccountState> {
    const out = new Map<string, AccountState>();
    for (const found of this.svm.getProgramAccounts(owner as never)) out.set(found.address, accountStateOf(found));
    if (commitment !== 'processed') {
      const maxSlot = this.chain.slotFor(commitment);
      for (const pubkey of this.versions.keys()) {
        const account = this.versions.at(pubkey, maxSlot);
        if (account === undefined) continue;
        if (account && account.owner === owner && account.lamports > 0n) out.set(pubkey, account);
        else out.delete(pubkey);
      }
    }
    return out;
  }

  /** A landed transaction visible at `commitment`, or undefined. */
  getTransaction(signature: string, commitment: Commitment = 'processed'): TransactionRecord | undefined {
    const record = this.transactions.get(signature);
    if (!record) return undefined;
    if (!this.chain.isVisible(record.slot, commitment)) return undefined;
    return record;
  }

  get currentWriteVersion(): bigint {
    return this.writeVersion;
  }

  get genesisHash(): string {
    return this.genesis.genesisHash;
  }

  get replayingJournal(): boolean {
    return this.replaying;
  }
}

function configure(svm: LiteSVM): LiteSVM {
  // Validator-like blockhash windows are enforced by the RPC layer (LiteSVM only knows its latest blockhash), and
  // duplicates by the ledger's own signature index: LiteSVM's history would also refuse a transaction whose slot
  // was abandoned, which a validator accepts again.
  return svm.withSigverify(true).withBlockhashCheck(false).withTransactionHistory(0n);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
