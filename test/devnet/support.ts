import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Client, { type SubscribeRequest, type SubscribeUpdate } from '@triton-one/yellowstone-grpc';
import { readSection } from '../../src/config/section.js';
import { type DevnetSettings, devnetSection } from '../../src/config/sections/devnet.js';
import { type Devnet, type DevnetOptions, startDevnet } from '../../src/devnet/index.js';
import { silentLogger } from '../../src/observability/logger.js';

/** Settings for a test devnet: ephemeral ports, no slot clock (tests call `tick`), a short finality depth. */
export function testSettings(overrides: Partial<DevnetSettings> = {}): DevnetSettings {
  return {
    ...readSection(devnetSection, {}),
    rpcPort: 0,
    wsPort: 0,
    geyserPort: 0,
    slotMs: 0,
    finalityDepth: 3,
    ...overrides,
  };
}

export function tempDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'choir-devnet-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export async function testDevnet(
  overrides: Partial<DevnetSettings> = {},
  options: DevnetOptions = { inMemory: true },
): Promise<Devnet> {
  return startDevnet(testSettings(overrides), silentLogger, options);
}

/** Waits until `check` holds, polling on the event loop (no wall-clock assertions: a timeout only fails the test). */
export async function until<T>(check: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface CollectedStream {
  readonly updates: SubscribeUpdate[];
  readonly errors: Error[];
  ended: boolean;
  write(request: SubscribeRequest): Promise<void>;
  close(): void;
}

/** Opens a Subscribe stream with the official client and collects what arrives. */
export async function subscribe(url: string, request: SubscribeRequest, xToken?: string): Promise<CollectedStream> {
  const client = new Client(url, xToken, undefined);
  await client.connect();
  const stream = await client.subscribe();
  const collected: CollectedStream = {
    updates: [],
    errors: [],
    ended: false,
    write: (req) =>
      new Promise<void>((resolve, reject) => stream.write(req, (err: unknown) => (err ? reject(err) : resolve()))),
    close: () => stream.destroy(),
  };
  stream.on('data', (update: SubscribeUpdate) => {
    if (!update.ping && !update.pong) collected.updates.push(update);
  });
  stream.on('error', (err: Error) => collected.errors.push(err));
  stream.on('close', () => {
    collected.ended = true;
  });
  await collected.write(request);
  return collected;
}

/** The gRPC status message behind the client's error (7.0.1 puts it in `cause`). */
export function statusText(err: Error): string {
  const cause = (err as Error & { cause?: { message?: string } }).cause;
  return `${err.message} ${cause?.message ?? ''}`;
}
