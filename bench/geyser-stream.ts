// `npm run bench -- geyser-stream [updates]`: how fast the devnet's Geyser server streams account updates to the
// official Yellowstone client. One subscriber with an owner filter (System program); the updates come from real
// System transfers executed by LiteSVM. The client runs in its own process (as the indexer does against a real
// endpoint), so server and client each have a core. Phases:
//   replay:  the transactions run first, then the client subscribes with `from_slot` and drains the backlog
//            (pure stream throughput: the same cursor loop serves live updates);
//   live:    the client is subscribed while the transactions run (end to end, bounded by execution speed);
//   ceiling: the same client against a trivial gRPC server that only writes pre-encoded updates (what the client
//            itself can take on this machine).
// The server's capacity is measured too: the devnet process's CPU time while it streams the replay (it does
// nothing else meanwhile). Server and client are separate processes, so the delivered rate is the smaller of the
// two capacities; the goal (>= 50,000/s, "not the bottleneck of the indexer") is reported against both.
// Readable lines first; the LAST line is `RESULT {json}`.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Metadata, Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import { SubscribeRequest, type SubscribeUpdate } from '@triton-one/yellowstone-grpc';
import { readSection } from '../src/config/section.js';
import { devnetSection } from '../src/config/sections/devnet.js';
import { encodeAccountFramed } from '../src/devnet/geyser/account-wire.js';
import { enableBatchedWrites, FramedBatch } from '../src/devnet/geyser/batched-writes.js';
import { YellowstoneClient } from '../src/devnet/geyser/official-client.js';
import { SubscribeMethod } from '../src/devnet/geyser/server.js';
import { type Devnet, startDevnet } from '../src/devnet/index.js';
import { Signer } from '../src/devnet/ledger/signer.js';
import { SYSTEM_PROGRAM_ID, transferTransaction } from '../src/devnet/ledger/system-tx.js';
import { decodeTransaction } from '../src/devnet/ledger/wire.js';
import { silentLogger } from '../src/observability/logger.js';

const GOAL_UPDATES_PER_SECOND = 50_000;
const SENDERS = 256;
const TX_PER_SLOT = 2_000;
const TIMEOUT_MS = 600_000;
const HERE = fileURLToPath(import.meta.url);
const ROOT = join(dirname(HERE), '..');

function ms(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}

// ── The client process ──────────────────────────────────────────────────────────────────────────────────────

/** `geyser-stream.ts --client URL FROM_SLOT|live COUNT`: subscribes, prints READY when live, DONE ms when done. */
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
function runClient(
  url: string,
  from: string,
  expected: number,
  onReady?: () => Promise<unknown>,
): Promise<{ ms: number; received: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin/run-ts.js'), HERE, '--client', url, from, String(expected)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
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

// ── The server side ─────────────────────────────────────────────────────────────────────────────────────────

/** Runs transfers until `updates` account updates (two per transfer) are in the ledger. Yields to the event loop. */
async function generate(devnet: Devnet, senders: Signer[], updates: number, round: number): Promise<number> {
  const ledger = devnet.ledger;
  const transfers = Math.ceil(updates / 2);
  const started = process.hrtime.bigint();
  for (let i = 0; i < transfers; i++) {
    const from = senders[i % senders.length]!;
    const to = senders[(i + 1) % senders.length]!;
    const lamports = BigInt(1 + round * transfers + i);
    const wire = transferTransaction(from, to.address, lamports, ledger.chain.latestBlockhash('processed').blockhash);
    const result = ledger.send(decodeTransaction(wire));
    if (!result.landed || result.record.err !== null) throw new Error(`transfer failed: ${JSON.stringify(result)}`);
    if ((i + 1) % TX_PER_SLOT === 0) ledger.tick();
    // LiteSVM's memory grows in a tight synchronous loop; yielding lets it (and the gRPC stream) breathe.
    if ((i + 1) % 1_000 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  ledger.tick();
  return ms(started);
}

/** A gRPC server that only writes one pre-encoded account update over and over: the client's ceiling. */
async function trivialServer(updates: number): Promise<{ url: string; close: () => void }> {
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

async function main(updates: number): Promise<void> {
  const settings = {
    ...readSection(devnetSection, {}),
    rpcPort: 0,
    wsPort: 0,
    geyserPort: 0,
    slotMs: 0,
    subscriberBuffer: 10_000_000,
  };
  const devnet = await startDevnet(settings, silentLogger, { inMemory: true, program: null });
  try {
    const ledger = devnet.ledger;
    const senders = Array.from({ length: SENDERS }, () => Signer.generate());
    for (const s of senders) {
      const blockhash = ledger.chain.latestBlockhash('processed').blockhash;
      ledger.send(decodeTransaction(transferTransaction(ledger.faucet, s.address, 1_000_000_000_000n, blockhash)));
    }
    ledger.tick();

    console.log(`geyser-stream: ${updates.toLocaleString()} account updates, one subscriber, owner filter`);
    const firstSlot = ledger.chain.openSlot;
    const generateMs = await generate(devnet, senders, updates, 0);
    const executed = (updates / generateMs) * 1000;
    console.log(
      `  executed ${(updates / 2).toLocaleString()} transfers in ${generateMs.toFixed(0)} ms (${executed.toFixed(0)} updates/s)`,
    );

    const cpuBefore = process.cpuUsage();
    const replay = await runClient(devnet.geyserUrl, String(firstSlot), updates);
    const cpu = process.cpuUsage(cpuBefore);
    const serverCpuSeconds = (cpu.user + cpu.system) / 1e6;
    const replayRate = (replay.received / replay.ms) * 1000;
    const serverCapacity = replay.received / serverCpuSeconds;
    console.log(
      `  replay:   ${replay.received.toLocaleString()} updates through the stream in ${replay.ms.toFixed(0)} ms = ${replayRate.toFixed(0)} updates/s delivered to the official client`,
    );
    console.log(
      `  server:   ${serverCpuSeconds.toFixed(2)} CPU-s in the devnet process for that replay = capacity ${serverCapacity.toFixed(0)} updates/s (${((replayRate / serverCapacity) * 100).toFixed(0)}% busy)`,
    );

    const live = await runClient(devnet.geyserUrl, 'live', updates, () => generate(devnet, senders, updates, 1));
    const liveRate = (live.received / live.ms) * 1000;
    console.log(
      `  live:     ${live.received.toLocaleString()} updates while transactions ran, in ${live.ms.toFixed(0)} ms = ${liveRate.toFixed(0)} updates/s (bounded by execution)`,
    );

    const trivial = await trivialServer(updates);
    const ceiling = await runClient(trivial.url, 'live', updates);
    trivial.close();
    const ceilingRate = (ceiling.received / ceiling.ms) * 1000;
    console.log(
      `  ceiling:  the same client against a server that only writes pre-encoded updates: ${ceilingRate.toFixed(0)} updates/s`,
    );
    const met = { delivered: replayRate >= GOAL_UPDATES_PER_SECOND, server: serverCapacity >= GOAL_UPDATES_PER_SECOND };
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    console.log(
      `  goal >= ${GOAL_UPDATES_PER_SECOND.toLocaleString()}/s: server capacity ${verdict(met.server)}; delivered ${verdict(met.delivered)} (${((replayRate / ceilingRate) * 100).toFixed(0)}% of the official client's own ceiling here, ${ceilingRate.toFixed(0)}/s: the client bounds it)`,
    );
    console.log(
      `RESULT ${JSON.stringify({
        bench: 'geyser-stream',
        updates,
        streamUpdatesPerSecond: Math.round(replayRate),
        serverCapacityUpdatesPerSecond: Math.round(serverCapacity),
        serverCpuSeconds: Number(serverCpuSeconds.toFixed(3)),
        liveUpdatesPerSecond: Math.round(liveRate),
        executionUpdatesPerSecond: Math.round(executed),
        clientCeilingUpdatesPerSecond: Math.round(ceilingRate),
        replayMs: Math.round(replay.ms),
        liveMs: Math.round(live.ms),
        rssMiB: Math.round(process.memoryUsage().rss / 1024 / 1024),
        goals: {
          streamUpdatesPerSecond: GOAL_UPDATES_PER_SECOND,
          serverCapacityUpdatesPerSecond: GOAL_UPDATES_PER_SECOND,
        },
        met: { streamUpdatesPerSecond: met.delivered, serverCapacityUpdatesPerSecond: met.server },
      })}`,
    );
  } finally {
    await devnet.close();
  }
}

if (process.argv[2] === '--client') {
  await clientMain(process.argv[3]!, process.argv[4]!, Number(process.argv[5]));
} else {
  await main(Number(process.argv[2] ?? 200_000));
  process.exit(0);
}
