// `npm run bench -- geyser-stream [updates]`: how fast the devnet's Geyser server streams account updates to the
// official Yellowstone client. One subscriber with an owner filter (System program); the updates come from real
// System transfers executed by LiteSVM. Two phases:
//   replay: the transactions run first, then the client subscribes with `from_slot` and drains the backlog
//           (pure stream throughput: the same cursor loop serves live updates);
//   live:   the client is subscribed while the transactions run (end to end, bounded by execution speed).
// Readable lines first; the LAST line is `RESULT {json}`.
import { SubscribeRequest, type SubscribeUpdate } from '@triton-one/yellowstone-grpc';
import { readSection } from '../src/config/section.js';
import { devnetSection } from '../src/config/sections/devnet.js';
import { YellowstoneClient } from '../src/devnet/geyser/official-client.js';
import { type Devnet, startDevnet } from '../src/devnet/index.js';
import { Signer } from '../src/devnet/ledger/signer.js';
import { SYSTEM_PROGRAM_ID, transferTransaction } from '../src/devnet/ledger/system-tx.js';
import { decodeTransaction } from '../src/devnet/ledger/wire.js';
import { silentLogger } from '../src/observability/logger.js';

const UPDATES = Number(process.argv[2] ?? 200_000);
const GOAL_UPDATES_PER_SECOND = 50_000;
const SENDERS = 256;
const TX_PER_SLOT = 2_000;
const TIMEOUT_MS = 60_000;

function ms(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}

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

async function receive(
  devnet: Devnet,
  request: SubscribeRequest,
  expected: number,
  during?: () => Promise<unknown>,
): Promise<{ ms: number; received: number; bytes: number }> {
  const client = new YellowstoneClient(devnet.geyserUrl, undefined, { grpcMaxDecodingMessageSize: 64 * 1024 * 1024 });
  await client.connect();
  const stream = await client.subscribe();
  let received = 0;
  let bytes = 0;
  let started = 0n;
  let live: () => void = () => {};
  const subscribed = new Promise<void>((resolve) => {
    live = resolve;
  });
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${received} of ${expected} updates`)), TIMEOUT_MS);
    stream.on('data', (update: SubscribeUpdate) => {
      if (update.pong) live();
      if (!update.account) return;
      received++;
      bytes += update.account.account?.data.length ?? 0;
      if (received >= expected) {
        clearTimeout(timer);
        resolve();
      }
    });
    stream.on('error', (err: Error) => reject(err));
  });
  started = process.hrtime.bigint();
  const write = (r: SubscribeRequest) =>
    new Promise<void>((resolve, reject) => stream.write(r, (err: unknown) => (err ? reject(err) : resolve())));
  await write(request);
  // Requests are handled in order: once the pong is back, the subscription is live and nothing will be missed.
  await write(SubscribeRequest.fromPartial({ ping: { id: 1 } }));
  await subscribed;
  if (during) await during();
  await done;
  const elapsed = ms(started);
  stream.destroy();
  return { ms: elapsed, received, bytes };
}

async function main(): Promise<void> {
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
      const wire = transferTransaction(
        ledger.faucet,
        s.address,
        1_000_000_000_000n,
        ledger.chain.latestBlockhash('processed').blockhash,
      );
      ledger.send(decodeTransaction(wire));
    }
    ledger.tick();
    const request = (fromSlot?: number) =>
      SubscribeRequest.fromPartial({
        accounts: { system: { owner: [SYSTEM_PROGRAM_ID] } },
        fromSlot: fromSlot === undefined ? undefined : String(fromSlot),
      });

    console.log(`geyser-stream: ${UPDATES.toLocaleString()} account updates, one subscriber, owner filter`);
    const firstSlot = ledger.chain.openSlot;
    const generateMs = await generate(devnet, senders, UPDATES, 0);
    const executed = (UPDATES / generateMs) * 1000;
    console.log(
      `  executed ${(UPDATES / 2).toLocaleString()} transfers in ${generateMs.toFixed(0)} ms (${executed.toFixed(0)} updates/s)`,
    );

    const replay = await receive(devnet, request(firstSlot), UPDATES);
    const replayRate = (replay.received / replay.ms) * 1000;
    console.log(
      `  replay: ${replay.received.toLocaleString()} updates through the stream in ${replay.ms.toFixed(0)} ms = ${replayRate.toFixed(0)} updates/s`,
    );

    const live = await receive(devnet, request(), UPDATES, () => generate(devnet, senders, UPDATES, 1));
    const liveRate = (live.received / live.ms) * 1000;
    console.log(
      `  live:   ${live.received.toLocaleString()} updates while transactions ran, in ${live.ms.toFixed(0)} ms = ${liveRate.toFixed(0)} updates/s (bounded by execution)`,
    );
    const rss = process.memoryUsage().rss / 1024 / 1024;
    console.log(
      `  goal: >= ${GOAL_UPDATES_PER_SECOND.toLocaleString()} updates/s through the stream: ${replayRate >= GOAL_UPDATES_PER_SECOND ? 'met' : 'NOT met'}`,
    );
    console.log(
      `RESULT ${JSON.stringify({
        bench: 'geyser-stream',
        updates: UPDATES,
        streamUpdatesPerSecond: Math.round(replayRate),
        liveUpdatesPerSecond: Math.round(liveRate),
        executionUpdatesPerSecond: Math.round(executed),
        replayMs: Math.round(replay.ms),
        liveMs: Math.round(live.ms),
        rssMiB: Math.round(rss),
        goals: { streamUpdatesPerSecond: GOAL_UPDATES_PER_SECOND },
        met: { streamUpdatesPerSecond: replayRate >= GOAL_UPDATES_PER_SECOND },
      })}`,
    );
  } finally {
    await devnet.close();
  }
}

await main();
