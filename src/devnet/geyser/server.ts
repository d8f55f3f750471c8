import {
  type handleUnaryCall,
  Metadata,
  type MethodDefinition,
  Server,
  ServerCredentials,
  type ServerDuplexStream,
  type ServerUnaryCall,
  status,
} from '@grpc/grpc-js';
import {
  CommitmentLevel,
  GetBlockHeightRequest,
  GetBlockHeightResponse,
  GetLatestBlockhashRequest,
  GetLatestBlockhashResponse,
  GetSlotRequest,
  GetSlotResponse,
  GetVersionRequest,
  GetVersionResponse,
  IsBlockhashValidRequest,
  IsBlockhashValidResponse,
  PingRequest,
  PongResponse,
  SubscribeReplayInfoRequest,
  SubscribeReplayInfoResponse,
  SubscribeRequest,
} from '@triton-one/yellowstone-grpc';
import type { Logger } from '../../observability/logger.js';
import type { Ledger } from '../ledger/ledger.js';
import type { Commitment } from '../ledger/types.js';
import { decodeSubscribeRequest } from './request-codec.js';
import { Subscriber } from './subscriber.js';

interface Codec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(bytes: Uint8Array): T;
}

function unary<Req, Res>(name: string, req: Codec<Req>, res: Codec<Res>): MethodDefinition<Req, Res> {
  return {
    path: `/geyser.Geyser/${name}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: (m) => Buffer.from(req.encode(m).finish()),
    requestDeserialize: (b) => req.decode(b),
    responseSerialize: (m) => Buffer.from(res.encode(m).finish()),
    responseDeserialize: (b) => res.decode(b),
  };
}

/**
 * `geyser.Geyser` on the Yellowstone wire format, using the official client's own ts-proto codecs. Subscribe
 * responses are pre-encoded buffers (one encode per update, done by the subscriber).
 */
/**
 * `geyser.Geyser/Subscribe` with decoded requests and pre-encoded responses: the devnet's, and any test or bench
 * server that writes SubscribeUpdate bytes of its own.
 */
export const SubscribeMethod = {
  path: '/geyser.Geyser/Subscribe',
  requestStream: true,
  responseStream: true,
  requestSerialize: (m: SubscribeRequest) => Buffer.from(SubscribeRequest.encode(m).finish()),
  requestDeserialize: (b: Buffer) => decodeSubscribeRequest(b),
  responseSerialize: (m: Buffer) => m,
  responseDeserialize: (b: Buffer) => b,
} satisfies MethodDefinition<SubscribeRequest, Buffer>;

const GeyserService = {
  Subscribe: SubscribeMethod,
  SubscribeReplayInfo: unary('SubscribeReplayInfo', SubscribeReplayInfoRequest, SubscribeReplayInfoResponse),
  Ping: unary('Ping', PingRequest, PongResponse),
  GetLatestBlockhash: unary('GetLatestBlockhash', GetLatestBlockhashRequest, GetLatestBlockhashResponse),
  GetBlockHeight: unary('GetBlockHeight', GetBlockHeightRequest, GetBlockHeightResponse),
  GetSlot: unary('GetSlot', GetSlotRequest, GetSlotResponse),
  IsBlockhashValid: unary('IsBlockhashValid', IsBlockhashValidRequest, IsBlockhashValidResponse),
  GetVersion: unary('GetVersion', GetVersionRequest, GetVersionResponse),
};

export interface GeyserServerOptions {
  readonly host: string;
  readonly port: number;
  readonly xToken: string | undefined;
  readonly bufferLimit: number;
  readonly pingIntervalMs?: number;
}

function commitment(level: CommitmentLevel | undefined): Commitment {
  if (level === CommitmentLevel.CONFIRMED) return 'confirmed';
  if (level === CommitmentLevel.FINALIZED) return 'finalized';
  return 'processed';
}

/** The Yellowstone Geyser gRPC endpoint of the devnet, with fault hooks for tests. */
export class GeyserServer {
  private server: Server | null = null;
  private readonly subscribers = new Set<Subscriber>();
  private nextId = 1;
  /** null: streaming; otherwise what a pause holds (`keepalive`: pongs and pings still go out). */
  private paused: { keepalive: boolean } | null = null;
  private pumpScheduled = false;
  private readonly unlisten: () => void;
  boundPort = 0;

  private constructor(
    private readonly ledger: Ledger,
    private readonly options: GeyserServerOptions,
    private readonly logger: Logger,
  ) {
    this.unlisten = ledger.events.subscribe(() => this.schedulePump());
  }

  static async start(ledger: Ledger, options: GeyserServerOptions, logger: Logger): Promise<GeyserServer> {
    const geyser = new GeyserServer(ledger, options, logger);
    await geyser.listen(options.port);
    return geyser;
  }

  get url(): string {
    return `http://${this.options.host}:${this.boundPort}`;
  }

  private async listen(port: number): Promise<void> {
    const server = new Server({ 'grpc.max_send_message_length': 64 * 1024 * 1024 });
    server.addService(GeyserService, {
      Subscribe: (call: ServerDuplexStream<SubscribeRequest, Buffer>) => this.subscribe(call),
      SubscribeReplayInfo: this.unaryHandler(() => ({ firstAvailable: String(this.ledger.events.oldestSlot() ?? 0) })),
      Ping: this.unaryHandler((req: PingRequest) => ({ count: req.count })),
      GetLatestBlockhash: this.unaryHandler((req: GetLatestBlockhashRequest) => {
        const latest = this.ledger.chain.latestBlockhash(commitment(req.commitment));
        return {
          slot: String(latest.slot),
          blockhash: latest.blockhash,
          lastValidBlockHeight: String(latest.lastValidBlockHeight),
        };
      }),
      GetBlockHeight: this.unaryHandler((req: GetBlockHeightRequest) => ({
        blockHeight: String(this.ledger.chain.blockHeight(commitment(req.commitment))),
      })),
      GetSlot: this.unaryHandler((req: GetSlotRequest) => ({
        slot: String(this.ledger.chain.slotFor(commitment(req.commitment))),
      })),
      IsBlockhashValid: this.unaryHandler((req: IsBlockhashValidRequest) => ({
        slot: String(this.ledger.chain.slotFor(commitment(req.commitment))),
        valid: this.ledger.chain.isBlockhashValid(req.blockhash),
      })),
      GetVersion: this.unaryHandler(() => ({
        version: JSON.stringify({
          version: { package: 'choir-devnet', version: '0.1.0' },
          extra: { hostname: 'devnet' },
        }),
      })),
    });
    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${this.options.host}:${port}`, ServerCredentials.createInsecure(), (err, bound) =>
        err ? reject(err) : resolve(bound),
      ),
    );
    this.server = server;
  }

  private authorized(metadata: Metadata): boolean {
    if (this.options.xToken === undefined) return true;
    return metadata.get('x-token')[0]?.toString() === this.options.xToken;
  }

  private unaryHandler<Req, Res>(answer: (req: Req) => Res): handleUnaryCall<Req, Res> {
    return (call: ServerUnaryCall<Req, Res>, callback) => {
      if (!this.authorized(call.metadata)) {
        callback({ code: status.UNAUTHENTICATED, details: 'invalid x-token' });
        return;
      }
      try {
        callback(null, answer(call.request));
      } catch (err) {
        callback({ code: status.INTERNAL, details: (err as Error).message });
      }
    };
  }

  private subscribe(call: ServerDuplexStream<SubscribeRequest, Buffer>): void {
    if (!this.authorized(call.metadata)) {
      call.emit('error', { code: status.UNAUTHENTICATED, details: 'invalid x-token' });
      return;
    }
    // Headers at once: the official client's `subscribe()` waits for them before it resolves.
    call.sendMetadata(new Metadata());
    const subscriber = new Subscriber(this.nextId++, call.getPeer(), call, this.ledger.events, {
      bufferLimit: this.options.bufferLimit,
      pingIntervalMs: this.options.pingIntervalMs ?? 15_000,
      isPaused: () => this.paused !== null,
      isSilent: () => this.paused !== null && !this.paused.keepalive,
      onClose: (s) => this.subscribers.delete(s),
    });
    this.subscribers.add(subscriber);
    this.logger.debug({ subscriber: subscriber.id, peer: subscriber.peer }, 'geyser subscriber connected');
  }

  /** New ledger events wake every subscriber once per turn of the event loop, not once per event. */
  private schedulePump(): void {
    if (this.pumpScheduled || this.subscribers.size === 0) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pumpAll();
    });
  }

  private pumpAll(): void {
    for (const subscriber of this.subscribers) {
      try {
        subscriber.pump();
      } catch (err) {
        this.logger.error({ err, subscriber: subscriber.id }, 'geyser subscriber failed');
        subscriber.fail(status.INTERNAL, `devnet failed to encode an update: ${(err as Error).message}`);
      }
    }
  }

  // ── Fault hooks ──────────────────────────────────────────────────────────────────────────────────────────

  subscriberIds(): number[] {
    return [...this.subscribers].map((s) => s.id);
  }

  /** Ends subscriber streams (all, or one id) with UNAVAILABLE, as a dropped connection would. */
  cutStreams(id?: number, details = 'stream cut by the devnet fault hook'): number {
    let cut = 0;
    for (const subscriber of [...this.subscribers]) {
      if (id !== undefined && subscriber.id !== id) continue;
      subscriber.fail(status.UNAVAILABLE, details);
      cut++;
    }
    return cut;
  }

  /** Every stream connected now loses `slot` (see `Subscriber.loseSlot`); returns how many streams. */
  loseSlot(slot: number): number {
    for (const subscriber of this.subscribers) subscriber.loseSlot(slot);
    return this.subscribers.size;
  }

  /**
   * Holds everything on every stream (updates, pongs, keepalive pings) until `resume`, which sends it all in
   * order: what a hung provider looks like. `keepalive`: only updates are held; pongs and pings still go out.
   */
  pause(options: { keepalive?: boolean } = {}): void {
    this.paused = { keepalive: options.keepalive ?? false };
  }

  resume(): void {
    this.paused = null;
    this.pumpAll();
  }

  /** Drops every connection and listens again on the same port. */
  async restart(): Promise<void> {
    this.cutStreams(undefined, 'devnet geyser server restarting');
    this.server?.forceShutdown();
    await this.listen(this.boundPort);
  }

  async close(): Promise<void> {
    this.unlisten();
    this.cutStreams(undefined, 'devnet geyser server shutting down');
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, 2_000);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
