/**
 * Per-key and per-IP rate limits: a token bucket per caller, refilled continuously at `perMinute` per minute
 * (bursts up to `perMinute`). Per API process: behind a load balancer each instance allows its own share.
 */
import { ChoirError } from '../../../errors/index.js';

const SWEEP_AT = 10_000;

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `caller`, or throws RATE_LIMITED saying when to retry. 0 per minute: unlimited. */
  take(caller: string): void {
    if (this.perMinute <= 0) return;
    const now = this.now();
    const rate = this.perMinute / 60_000;
    const bucket = this.buckets.get(caller) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * rate);
    bucket.at = now;
    if (bucket.tokens < 1) {
      this.buckets.set(caller, bucket);
      const retryAfterMs = Math.ceil((1 - bucket.tokens) / rate);
      throw new ChoirError('RATE_LIMITED', `rate limit of ${this.perMinute} operations per minute reached`, {
        details: { retryAfterMs },
      });
    }
    bucket.tokens -= 1;
    this.buckets.set(caller, bucket);
    if (this.buckets.size > SWEEP_AT) this.sweep(now);
  }

  /** Forgets callers whose bucket is full again (they would start full anyway). */
  private sweep(now: number): void {
    const full = 60_000;
    for (const [caller, b] of this.buckets) if (now - b.at >= full) this.buckets.delete(caller);
  }
}

export interface RateLimits {
  /** Sessions and API keys. */
  readonly perKey: RateLimiter;
  /** Anonymous callers, by IP. */
  readonly perIp: RateLimiter;
}

export function createRateLimits(settings: { rateLimitPerMinute: number; rateLimitIpPerMinute: number }): RateLimits {
  return {
    perKey: new RateLimiter(settings.rateLimitPerMinute),
    perIp: new RateLimiter(settings.rateLimitIpPerMinute),
  };
}

/** Charges the caller: its credential when it has one, its IP otherwise. */
export function charge(
  limits: RateLimits,
  viewer: { kind: 'SESSION'; publicKey: string } | { kind: 'API_KEY'; keyId: string } | null,
  ip: string,
) {
  if (viewer?.kind === 'SESSION') limits.perKey.take(`s:${viewer.publicKey}`);
  else if (viewer?.kind === 'API_KEY') limits.perKey.take(`k:${viewer.keyId}`);
  else limits.perIp.take(`ip:${ip}`);
}
