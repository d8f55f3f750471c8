/**
 * Liveness and readiness. `/healthz` answers while the process runs; `/readyz` asks every registered dependency
 * (Postgres, vector store, chain, indexer…) and is 200 only when all answer in time, with a per-dependency report.
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
}

export interface ReadinessReport {
  ready: boolean;
  dependencies: DependencyReport[];
}

export class HealthRegistry {
  private readonly checks: ReadinessCheck[] = [];
  private readonly startedAt = Date.now();

  constructor(private readonly timeoutMs = 2_000) {}

  register(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  liveness() {
    return { status: 'ok', uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000) };
  }

  async readiness(): Promise<ReadinessReport> {
    const dependencies = await Promise.all(this.checks.map((c) => this.run(c)));
    return { ready: dependencies.every((d) => d.ready), dependencies };
  }

  private async run(check: ReadinessCheck): Promise<DependencyReport> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      const details = await Promise.race([check.check(), timeout]);
      return { name: check.name, ready: true, latencyMs: elapsed(started), ...(details ? { details } : {}) };
    } catch (err) {
      return { name: check.name, ready: false, latencyMs: elapsed(started), error: (err as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }
}

function elapsed(started: number) {
  return Math.round((performance.now() - started) * 10) / 10;
}
