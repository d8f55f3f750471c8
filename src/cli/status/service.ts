/** What a running choir process says about itself over HTTP: `/readyz` and `/metrics`. */
import type { ReadinessReport } from '../../observability/health.js';
import { parsePrometheusText, type Sample } from './prometheus-text.js';

export interface ServiceView {
  readonly url: string;
  /** false: nothing answered there (not running, or another PORT / --url). */
  readonly reachable: boolean;
  readonly error?: string;
  readonly readiness?: ReadinessReport;
  readonly samples: readonly Sample[];
}

/** The loopback URL of the service the settings describe (what `choir start` on this machine listens on). */
export function defaultServiceUrl(server: { host: string; port: number }): string {
  const host = ['0.0.0.0', '127.0.0.1', 'localhost', '::', ''].includes(server.host) ? '127.0.0.1' : server.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${server.port}`;
}

export async function readService(url: string, timeoutMs = 3_000): Promise<ServiceView> {
  try {
    const [ready, metrics] = await Promise.all([
      fetch(`${url}/readyz`, { signal: AbortSignal.timeout(timeoutMs) }),
      fetch(`${url}/metrics`, { signal: AbortSignal.timeout(timeoutMs) }),
    ]);
    const readiness = (await ready.json()) as ReadinessReport;
    const samples = metrics.ok ? parsePrometheusText(await metrics.text()) : [];
    return { url, reachable: true, readiness, samples };
  } catch (err) {
    return { url, reachable: false, error: networkCode(err) ?? (err as Error).message, samples: [] };
  }
}

/** ECONNREFUSED and friends, from fetch's `cause` (an AggregateError when several addresses were tried). */
function networkCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
  return cause?.code ?? cause?.errors?.find((e) => e.code)?.code ?? cause?.message;
}
