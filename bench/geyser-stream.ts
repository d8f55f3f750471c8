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
import { readSection } from '../src/config/section.js';
import { devnetSection } from '../src/config/sections/devnet.js';
import { type Devnet, startDevnet } from '../src/devnet/index.js';
import { Signer } from '../src/devnet/ledger/signer.js';
import { transferTransaction } from '../src/devnet/ledger/system-tx.js';
import { decodeTransaction } from '../src/devnet/ledger/wire.js';
import { silentLogger } from '../src/observability/logger.js';
import { runClient, trivialServer } from './support/yellowstone-client.js';

const ms = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e6;

const GOAL_UPDATES_PER_SECOND = 50_000;
const SENDERS = 256;
const TX_PER_SLOT = 2_000;

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

await main(Number(process.argv[2] ?? 200_000));
process.exit(0);
