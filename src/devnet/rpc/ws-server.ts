import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../../observability/logger.js';
import type { Ledger } from '../ledger/ledger.js';
import type { Commitment, LedgerEvent } from '../ledger/types.js';
import { errorResponse } from './dispatch.js';
import { type AccountEncoding, accountEncoding, uiAccount } from './encoding.js';
import { RpcCodes, RpcError } from './errors.js';
import { stringifyJson } from './json.js';
import { type AccountFilter, parseFilters } from './methods/accounts.js';
import { commitmentOf, config, context, positional, pubkey, signature } from './params.js';

type Subscription =
  | {
      kind: 'account';
      socket: WebSocket;
      pubkey: string;
      commitment: Commitment;
      encoding: AccountEncoding;
      pending: Set<number>;
    }
  | {
      kind: 'program';
      socket: WebSocket;
      program: string;
      commitment: Commitment;
      encoding: AccountEncoding;
      filters: AccountFilter[];
      /** Accounts written per slot, notified once the slot reaches the commitment. */
      pending: Map<number, Set<string>>;
    }
  | { kind: 'signature'; socket: WebSocket; signature: string; commitment: Commitment }
  | { kind: 'slot'; socket: WebSocket };

const MAX_MESSAGE_BYTES = 50 * 1024;

/**
 * The RPC PubSub endpoint (port 8900): accountSubscribe, programSubscribe, signatureSubscribe and slotSubscribe, driven by the
 * ledger's events so notifications follow the same commitment transitions as Geyser.
 */
export class RpcWebSocketServer {
  private readonly subscriptions = new Map<number, Subscription>();
  private nextId = 1;
  private readonly unlisten: () => void;

  private constructor(
    private readonly wss: WebSocketServer,
    private readonly ledger: Ledger,
    private readonly logger: Logger,
  ) {
    this.unlisten = ledger.events.subscribe((event) => this.onEvent(event));
    wss.on('connection', (socket) => {
      socket.on('message', (data, isBinary) => this.onMessage(socket, data as Buffer, isBinary));
      socket.on('close', () => {
        for (const [id, sub] of this.subscriptions) if (sub.socket === socket) this.subscriptions.delete(id);
      });
      socket.on('error', () => socket.terminate());
    });
  }

  static async start(ledger: Ledger, host: string, port: number, logger: Logger): Promise<RpcWebSocketServer> {
    const wss = new WebSocketServer({ host, port, maxPayload: MAX_MESSAGE_BYTES });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', () => resolve());
      wss.once('error', reject);
    });
    return new RpcWebSocketServer(wss, ledger, logger);
  }

  get port(): number {
    return (this.wss.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.unlisten();
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private onMessage(socket: WebSocket, data: Buffer, isBinary: boolean): void {
    let request: { id?: unknown; method?: unknown; params?: unknown; jsonrpc?: unknown };
    try {
      request = JSON.parse(isBinary ? data.toString('utf8') : data.toString());
    } catch {
      socket.send(stringifyJson(errorResponse(null, RpcCodes.PARSE_ERROR, 'Parse error')));
      return;
    }
    const id = typeof request?.id === 'number' || typeof request?.id === 'string' ? request.id : null;
    try {
      if (!request || typeof request !== 'object' || typeof request.method !== 'string') {
        throw new RpcError(RpcCodes.INVALID_REQUEST, 'Invalid request');
      }
      const result = this.call(socket, request.method, positional(request.params));
      socket.send(stringifyJson({ jsonrpc: '2.0', id, result }));
    } catch (err) {
      if (err instanceof RpcError) socket.send(stringifyJson(errorResponse(id, err.code, err.message, err.data)));
      else {
        this.logger.warn({ err }, 'devnet WebSocket request failed');
        socket.send(stringifyJson(errorResponse(id, RpcCodes.INTERNAL_ERROR, 'Internal error')));
      }
    }
  }

  private call(socket: WebSocket, method: string, params: unknown[]): unknown {
    switch (method) {
      case 'accountSubscribe': {
        const key = pubkey(params[0]);
        const cfg = config(params[1]);
        const id = this.nextId++;
        this.subscriptions.set(id, {
          kind: 'account',
          socket,
          pubkey: key,
          commitment: commitmentOf(cfg),
          encoding: accountEncoding(cfg, 'base58'),
          pending: new Set(),
        });
        return id;
      }
      case 'programSubscribe': {
        const program = pubkey(params[0], 'program id');
        const cfg = config(params[1]);
        const id = this.nextId++;
        this.subscriptions.set(id, {
          kind: 'program',
          socket,
          program,
          commitment: commitmentOf(cfg),
          encoding: accountEncoding(cfg, 'base58'),
          filters: parseFilters(cfg['filters']),
          pending: new Map(),
        });
        return id;
      }
      case 'signatureSubscribe': {
        const sig = signature(params[0]);
        const commitment = commitmentOf(config(params[1]));
        const id = this.nextId++;
        this.subscriptions.set(id, { kind: 'signature', socket, signature: sig, commitment });
        // Already there: notify at once, as validators do.
        const record = this.ledger.getTransaction(sig, commitment);
        if (record) queueMicrotask(() => this.notifySignature(id, record.slot, record.err));
        return id;
      }
      case 'slotSubscribe': {
        const id = this.nextId++;
        this.subscriptions.set(id, { kind: 'slot', socket });
        return id;
      }
      case 'accountUnsubscribe':
      case 'programUnsubscribe':
      case 'signatureUnsubscribe':
      case 'slotUnsubscribe': {
        const id = params[0];
        if (typeof id !== 'number') throw new RpcError(RpcCodes.INVALID_PARAMS, 'Invalid params: subscription id');
        const sub = this.subscriptions.get(id);
        if (!sub || sub.socket !== socket) throw new RpcError(RpcCodes.INVALID_PARAMS, 'Invalid subscription id.');
        this.subscriptions.delete(id);
        return true;
      }
      default:
        throw new RpcError(RpcCodes.METHOD_NOT_FOUND, 'Method not found');
    }
  }

  private notify(socket: WebSocket, method: string, subscription: number, result: unknown): void {
    if (socket.readyState === socket.OPEN) {
      socket.send(stringifyJson({ jsonrpc: '2.0', method, params: { result, subscription } }));
    }
  }

  private notifySignature(id: number, slot: number, err: unknown): void {
    const sub = this.subscriptions.get(id);
    if (!sub) return;
    this.subscriptions.delete(id);
    this.notify(sub.socket, 'signatureNotification', id, { context: context(slot), value: { err } });
  }

  private notifyAccount(id: number, sub: Extract<Subscription, { kind: 'account' }>, slot: number): void {
    const account = this.ledger.getAccount(sub.pubkey, sub.commitment);
    const value = account
      ? uiAccount(account, sub.encoding, null)
      : {
          data: ['', 'base64'],
          executable: false,
          lamports: 0,
          owner: '11111111111111111111111111111111',
          rentEpoch: 0,
          space: 0,
        };
    this.notify(sub.socket, 'accountNotification', id, { context: context(slot), value });
  }

  private notifyProgram(id: number, sub: Extract<Subscription, { kind: 'program' }>, key: string, slot: number): void {
    const account = this.ledger.getAccount(key, sub.commitment);
    // Accounts that left the program (closed or reassigned) are not notified, as on a validator.
    if (!account || account.owner !== sub.program || !sub.filters.every((f) => f(account))) return;
    this.notify(sub.socket, 'programNotification', id, {
      context: context(slot),
      value: { pubkey: key, account: uiAccount(account, sub.encoding, null) },
    });
  }

  private onProgramEvent(id: number, sub: Extract<Subscription, { kind: 'program' }>, event: LedgerEvent): void {
    if (event.kind === 'account') {
      if (event.account?.owner !== sub.program) return;
      if (sub.commitment === 'processed') this.notifyProgram(id, sub, event.pubkey, event.slot);
      else {
        let keys = sub.pending.get(event.slot);
        if (!keys) {
          keys = new Set();
          sub.pending.set(event.slot, keys);
        }
        keys.add(event.pubkey);
      }
    } else if (event.kind === 'slot') {
      const keys = sub.pending.get(event.slot);
      if (!keys || (event.status !== 'dead' && event.status !== sub.commitment)) return;
      sub.pending.delete(event.slot);
      if (event.status === 'dead') return;
      for (const key of keys) this.notifyProgram(id, sub, key, event.slot);
    }
  }

  private onEvent(event: LedgerEvent): void {
    if (this.subscriptions.size === 0) return;
    for (const [id, sub] of this.subscriptions) {
      if (sub.kind === 'account') {
        if (event.kind === 'account' && event.pubkey === sub.pubkey) {
          if (sub.commitment === 'processed') this.notifyAccount(id, sub, event.slot);
          else sub.pending.add(event.slot);
        } else if (event.kind === 'slot' && sub.pending.has(event.slot)) {
          if (event.status === 'dead') sub.pending.delete(event.slot);
          else if (event.status === sub.commitment) {
            sub.pending.delete(event.slot);
            this.notifyAccount(id, sub, event.slot);
          }
        }
      } else if (sub.kind === 'program') {
        this.onProgramEvent(id, sub, event);
      } else if (sub.kind === 'signature') {
        if (event.kind === 'transaction' && event.tx.signature === sub.signature && sub.commitment === 'processed') {
          this.notifySignature(id, event.slot, event.tx.err);
        } else if (event.kind === 'slot' && event.status === sub.commitment) {
          const record = this.ledger.transactions.get(sub.signature);
          if (record && record.slot === event.slot) this.notifySignature(id, event.slot, record.err);
        }
      } else if (event.kind === 'slot' && event.status === 'processed') {
        this.notify(sub.socket, 'slotNotification', id, {
          parent: event.parent ?? 0,
          root: this.ledger.chain.finalizedSlot,
          slot: event.slot,
        });
      }
    }
  }
}
