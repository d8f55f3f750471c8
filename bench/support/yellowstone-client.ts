// The official Yellowstone client measured on its own, for benchmarks: a client process that counts account
// updates (`runClient`), and a trivial gRPC server that only writes one pre-encoded update over and over
// (`trivialServer`) — together, what the client itself can take on this machine (its ceiling), against which the
// devnet's server and the indexer are compared in the same run. The client runs in its own process, as the indexer
// does against a real endpoint. Run as a script (`yellowstone-client.ts --client URL FROM_SLOT|live COUNT`) it is
// that client process.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Metadata, Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import { SubscribeRequest, type SubscribeUpdate } from '@triton-one/yellowstone-grpc';
import { encodeAccountFramed } from '../../src/devnet/geyser/account-wire.js';
import { enableBatchedWrites, FramedBatch } from '../../src/devnet/geyser/batched-writes.js';
import { YellowstoneClient } from '../../src/devnet/geyser/official-client.js';
import { SubscribeMethod } from '../../src/devnet/geyser/server.js';
import { Signer } from '../../src/devnet/ledger/signer.js';
import { SYSTEM_PROGRAM_ID } from '../../src/devnet/ledger/system-tx.js';

const HERE = fileURLToPath(import.meta.url);
const RUN_TS = fileURLToPath(new URL('../../bin/run-ts.js', import.meta.url));
const TIMEOUT_MS = 600_000;

export function ms(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}

// ── The client process ──────────────────────────────────────────────────────────────────────────────────────

/** `yellowstone-client.ts --client URL FROM_SLOT|live COUNT`: subscribes, prints READY when live, DONE ms when done. */
async function clientMain(url: string, from: string, expected: number): Promise<void> {
  const client = new YellowstoneClient(url, undefined, { grpcMaxDecodingMessageSize: 64 * 1024 * 1024 });
  await client.connect();
  const stream = await client.subscribe();
  let received = 0;
  let started = 0n;
  const write = (r: SubscribeRequest) =>
    new Promise<void>((resolve, reject) => stream.write(r, (err: unknown) => (err ? reject(err) : resolve())));
  stream.on('error', (err: Error) => {
    console.log(`ERROR ${err.message}`);
    process.exit(1);
  });
  stream.on('data', (update: SubscribeUpdate) => {
    if (update.pong) console.log('READY');
    if (!update.account) return;
    if (received === 0) started = process.hrtime.bigint();
    received++;
    if (received >= expected) {
      // From the first update to the last: the stream's own rate, not the subscription handshake.
      console.log(`DONE ${ms(started).toFixed(1)} ${received}`);
      process.exit(0);
    }
  });
  await write(
    SubscribeRequest.fromPartial({
      accounts: { system: { owner: [SYSTEM_PROGRAM_ID] } },
      fromSlot: from === 'live' ? undefined : from,
    }),
  );
  // Requests are handled in order: once the pong is back, the subscription is live and nothing will be missed.
  await write(SubscribeRequest.fromPartial({ ping: { id: 1 } }));
}

/** Runs the client process; resolves with the stream's rate once it has received `expected` updates. */
export function runClient(
  url: string,
  from: string,
  expected: number,
  onReady?: () => Promise<unknown>,
): Promise<{ ms: number; received: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUN_TS, HERE, '--client', url, from, String(expected)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('client timed out'));
    }, TIMEOUT_MS);
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'READY' && onReady) onReady().catch(reject);
        else if (line.startsWith('DONE ')) {
          clearTimeout(timer);
          const [, time, count] = line.split(' ');
          resolve({ ms: Number(time), received: Number(count) });
        } else if (line.startsWith('ERROR ')) reject(new Error(line));
      }
    });
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`client exited with ${code}`));
    });
  });
}

/** A gRPC server that only writes one pre-encoded account update over and over: the client's ceiling. */
export async function trivialServer(updates: number): Promise<{ url: string; close: () => void }> {
  const signer = Signer.generate();
  const one = encodeAccountFramed(
    {
      kind: 'account',
      seq: 0,
      slot: 1,
      pubkey: signer.address,
      account: { lamports: 1n, owner: SYSTEM_PROGRAM_ID, executable: false, rentEpoch: 0n, data: new Uint8Array() },
      writeVersion: 1n,
      txnSignature: null,
      txnSignatureBytes: signer.sign(Uint8Array.of(1)),
    },
    ['system'],
    [],
  );
  const perBatch = 300;
  const batch = Buffer.concat(Array.from({ length: perBatch }, () => one));
  const server = new Server();
  server.addService(
    { Subscribe: SubscribeMethod },
    {
      Subscribe: (call: ServerDuplexStream<SubscribeRequest, Buffer>) => {
        call.sendMetadata(new Metadata());
        enableBatchedWrites(call as ServerDuplexStream<unknown, unknown>);
        let sent = 0;
        const pump = () => {
          while (sent < updates + perBatch) {
            sent += perBatch;
            if (!call.write(new FramedBatch(batch) as unknown as Buffer)) {
              call.once('drain', pump);
              return;
            }
          }
        };
        call.on('data', (request: SubscribeRequest) => {
          if (request.ping)
            call.write(Buffer.from([74, 0])); // SubscribeUpdate{pong: {}}
          else if (Object.keys(request.accounts).length > 0) pump();
        });
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { url: `http://127.0.0.1:${port}`, close: () => server.forceShutdown() };
}

/** The client's ceiling: updates/s it receives from the trivial server (`updates` of them). */
export async function measureClientCeiling(updates: number): Promise<number> {
  const trivial = await trivialServer(updates);
  try {
    const run = await runClient(trivial.url, 'live', updates);
    return (run.received / run.ms) * 1000;
  } finally {
    trivial.close();
  }
}

if (process.argv[2] === '--client') {
  await clientMain(process.argv[3] as string, process.argv[4] as string, Number(process.argv[5]));
}
