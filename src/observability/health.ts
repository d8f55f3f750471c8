/**
 * Liveness and readiness. `/healthz` answers while the process runs; `/readyz` asks every registered dependency
 * (Postgres, vector store, chain, indexer…) and is 200 only when all answer in time, with a per-dependency report.
 *
 * Readiness must stay cheap under load, or load alone turns a healthy service "unready" (500 concurrent /readyz
 * once gave a false 503): concurrent callers share one evaluation, a report is reused for `cacheMs`, and a
 * dependency that answered within `graceMs` and is merely slow now (a timeout, not an error) still counts as ready,
 * with a note. A dependency that answers with an error is not ready at once.
 */

export interface ReadinessCheck {
  readonly name: string;
  /** Resolves when the dependency is usable; rejects (or times out) otherwise. May return details for the report. */
  check(): Promise<Record<string, unknown> | undefined>;
}

export interface DependencyReport {
  name: string;
  ready: boolean;
  latencyMs: number;
  error?: string;
  details?: Record<string, unknown>;
  /** Why a ready dependency is reported from its last answer (it is slow right now). */
  note?: string;
}

export interface ReadinessReport {
  ready: boolean;
  dependencies: DependencyReport[];
}

export interface HealthOptions {
  /** How long one check may take before it counts as no answer (default 2000 ms). */
  readonly timeoutMs?: number;
  /** How long a finished report is reused (default 0: every call evaluates, sharing only concurrent calls). */
  readonly cacheMs?: number;
  /** How long a dependency's last success covers a timeout (default 0: a timeout is not ready). */
  readonly graceMs?: number;
  /** Clock in ms, injectable for tests. */
  readonly now?: () => number;
}

/** The settings `choir start` uses: one evaluation per second at most, 10 s of grace for a slow dependency. */
export const SERVICE_HEALTH: HealthOptions = { timeoutMs: 2_000, cacheMs: 1_000, graceMs: 10_000 };

class Timeout extends Error {}

export class HealthRegistry {
  private readonly checks: ReadinessCheck[] = [];
  private readonly startedAt: number;
  private readonly timeoutMs: number;
  private readonly cacheMs: number;
  private readonly graceMs: number;
  private readonly now: () => number;
  private inFlight: Promise<ReadinessReport> | null = null;
  private cached: { at: number; report: ReadinessReport } | null = null;
  private readonly lastSuccess = new Map<ReadinessCheck, { at: number; details?: Record<string, unknown> }>();

  /** A number is the timeout alone (no cache, no grace). */
  constructor(options: number | HealthOptions = {}) {
    const o = typeof options === 'number' ? { timeoutMs: options } : options;
    this.timeoutMs = o.timeoutMs ?? 2_000;
    this.cacheMs = o.cacheMs ?? 0;
    this.graceMs = o.graceMs ?? 0;
    this.now = o.now ?? Date.now;
    this.startedAt = this.now();
  }

  register(check: ReadinessCheck): void {
    this.checks.push(check);
    this.cached = null;
  }

  liveness() {
    return { status: 'ok', uptimeSeconds: Math.round((this.now() - this.startedAt) / 1000) };
  }

  readiness(): Promise<ReadinessReport> {
    if (this.cacheMs > 0 && this.cached && this.now() - this.cached.at < this.cacheMs) {
      return Promise.resolve(this.cached.report);
    }
    this.inFlight ??= this.evaluate().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async evaluate(): Promise<ReadinessReport> {
    const dependencies = await Promise.all(this.checks.map((c) => this.run(c)));
    const report = { ready: dependencies.every((d) => d.ready), dependencies };
    this.cached = { at: this.now(), report };
    return report;
  }

  private async run(check: ReadinessCheck): Promise<DependencyReport> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Timeout(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      const details = await Promise.race([check.check(), timeout]);
      this.lastSuccess.set(check, { at: this.now(), ...(details ? { details } : {}) });
      return { name: check.name, ready: true, latencyMs: elapsed(started), ...(details ? { details } : {}) };
    } catch (err) {
      const last = this.lastSuccess.get(check);
      const age = last ? this.now() - last.at : Number.POSITIVE_INFINITY;
      if (err instanceof Timeout && age <= this.graceMs) {
        return {
          name: check.name,
          ready: true,
          latencyMs: elapsed(started),
          ...(last?.details ? { details: last.details } : {}),
          note: `${err.message}; busy, not down: it answered ${Math.round(age)} ms ago (details from then)`,
        };
      }
      return { name: check.name, ready: false, latencyMs: elapsed(started), error: (err as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }
}

function elapsed(started: number) {
  return Math.round((performance.now() - started) * 10) / 10;
}
