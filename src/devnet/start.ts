import type { DevnetSettings } from '../config/sections/devnet.js';
import { ChoirError } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import { lockDir } from '../runtime/dir-lock.js';
import { createFaults, type DevnetFaults } from './faults.js';
import { GeyserServer } from './geyser/server.js';
import { Ledger, type ProgramSpec } from './ledger/ledger.js';
import { choirProgram } from './program.js';
import { startRpcHttpServer } from './rpc/http-server.js';
import { RpcWebSocketServer } from './rpc/ws-server.js';

export interface DevnetOptions {
  /** Overrides the program deployed at genesis (default: the Choir ELF at `settings.programPath`); null: none. */
  readonly program?: ProgramSpec | null;
  /** Keep the chain in memory only (tests, benchmarks); default: persist under `settings.dataDir`. */
  readonly inMemory?: boolean;
  /** Geyser keepalive ping interval (default 15 s). */
  readonly pingIntervalMs?: number;
  /** Wall clock, injectable for deterministic block times. */
  readonly now?: () => number;
  /**
   * The pid of the supervising `choir start` that already locked `settings.dataDir` for this process (see
   * runtime/dir-lock.ts); default: this process takes the lock itself.
   */
  readonly lockHeldBy?: number;
}

export interface Devnet {
  readonly rpcUrl: string;
  readonly wsUrl: string;
  readonly geyserUrl: string;
  readonly ledger: Ledger;
  readonly faults: DevnetFaults;
  /** Closes the open slot and opens the next (what the slot clock does every `slotMs`). */
  tick(count?: number): void;
  close(): Promise<void>;
}

/** Starts one server, turning "port in use" into a one-line error that names the variable to change. */
async function listening<T>(variable: string, port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    const text = `${(err as Error).message ?? err}`;
    if ((err as { code?: string }).code === 'EADDRINUSE' || /address.*in use|No address added/i.test(text)) {
      throw new ChoirError('CONFIG_INVALID', `devnet: port ${port} is in use; set ${variable} to another port`, {
        cause: err,
        details: { variable, port },
      });
    }
    throw err;
  }
}

/**
 * Starts the local chain: LiteSVM ledger (restored from `settings.dataDir` if it exists), JSON-RPC, RPC
 * WebSocket and Yellowstone Geyser gRPC servers, and the slot clock (`slotMs` = 0: slots advance only on `tick`).
 */
export async function startDevnet(
  settings: DevnetSettings,
  logger: Logger,
  options: DevnetOptions = {},
): Promise<Devnet> {
  const log = logger.child({ component: 'devnet' });
  const program = options.program === undefined ? choirProgram(settings.programPath) : options.program;
  if (program === null && options.program === undefined) {
    log.warn({ programPath: settings.programPath }, 'Choir program ELF not found; the devnet runs without it');
  }
  // Before the ledger reads a byte: a second devnet on the folder would replay it and append to the same journal.
  const lock = options.inMemory
    ? null
    : lockDir(settings.dataDir, { variable: 'DEVNET_DATA_DIR', heldBy: options.lockHeldBy });
  let ledger: Ledger;
  try {
    ledger = Ledger.open({
      dataDir: options.inMemory ? null : settings.dataDir,
      finalityDepth: settings.finalityDepth,
      historySlots: settings.historySlots,
      program,
      logger: log,
      now: options.now,
    });
  } catch (err) {
    lock?.release();
    throw err;
  }
  const closers: (() => Promise<void>)[] = [];
  try {
    const rpc = await listening('DEVNET_RPC_PORT', settings.rpcPort, () =>
      startRpcHttpServer(ledger, settings.host, settings.rpcPort, log),
    );
    closers.push(() => rpc.close());
    const ws = await listening('DEVNET_WS_PORT', settings.wsPort, () =>
      RpcWebSocketServer.start(ledger, settings.host, settings.wsPort, log),
    );
    closers.push(() => ws.close());
    const geyser = await listening('DEVNET_GEYSER_PORT', settings.geyserPort, () =>
      GeyserServer.start(
        ledger,
        {
          host: settings.host,
          port: settings.geyserPort,
          xToken: settings.xToken,
          bufferLimit: settings.subscriberBuffer,
          pingIntervalMs: options.pingIntervalMs,
        },
        log,
      ),
    );
    closers.push(() => geyser.close());
    const clock =
      settings.slotMs > 0
        ? setInterval(() => {
            try {
              ledger.tick();
            } catch (err) {
              log.error({ err }, 'devnet slot tick failed');
            }
          }, settings.slotMs)
        : null;
    const devnet: Devnet = {
      rpcUrl: rpc.url,
      wsUrl: `ws://${settings.host}:${ws.port}`,
      geyserUrl: geyser.url,
      ledger,
      faults: createFaults(ledger, geyser),
      tick: (count = 1) => ledger.tick(count),
      close: async () => {
        if (clock) clearInterval(clock);
        for (const close of closers.reverse()) await close();
        ledger.checkpoint();
        lock?.release();
        log.info('devnet stopped');
      },
    };
    log.info(
      { rpcUrl: devnet.rpcUrl, wsUrl: devnet.wsUrl, geyserUrl: devnet.geyserUrl, genesisHash: ledger.genesisHash },
      'devnet started',
    );
    return devnet;
  } catch (err) {
    for (const close of closers.reverse()) await close();
    ledger.flush();
    lock?.release();
    throw err;
  }
}
