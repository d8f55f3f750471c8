/** The relayer's balance as a readiness check (not ready below the floor: relayed actions would fail) and metrics. */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ReadinessCheck } from '../observability/health.js';
import type { Relayer } from './relayer.js';

export function relayerReadiness(relayer: Relayer, floor: bigint): ReadinessCheck {
  return {
    name: 'relayer',
    async check() {
      const balance = await relayer.balance();
      if (balance < floor) {
        throw new Error(
          `relayer ${relayer.publicKey.toBase58()} holds ${balance} lamports, below RELAYER_MIN_BALANCE (${floor}): fund it`,
        );
      }
      return { address: relayer.publicKey.toBase58(), balance: balance.toString() };
    },
  };
}

export function registerRelayerMetrics(registry: Registry, relayer: Relayer): void {
  new Gauge({
    name: 'choir_relayer_balance_lamports',
    help: "The relayer's balance (fee payer of relayed actions)",
    registers: [registry],
    async collect() {
      try {
        this.set(Number(await relayer.balance()));
      } catch {
        // An unreachable RPC shows in /readyz; the gauge keeps its last value.
      }
    },
  });
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  counter('choir_relayer_transactions_total', 'Transactions the relayer landed', () => relayer.stats.transactions);
  counter('choir_relayer_instructions_total', 'Instructions in landed transactions', () => relayer.stats.instructions);
  counter('choir_relayer_retries_total', 'Transient failures retried', () => relayer.stats.retries);
  counter('choir_relayer_failures_total', 'Sends that failed for good', () => relayer.stats.failures);
}
