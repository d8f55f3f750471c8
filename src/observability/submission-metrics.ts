/**
 * Counts what the API accepts (`choir_submissions_total{action}`, new actions only — a repeated signed action is
 * not load) and keeps the submissions/s rate `choir status --capacity` reports, by wrapping the Submissions the
 * stack hands to the API. Rejections are not counted here: they reach the client as errors, which the API counts
 * by code where it formats them (src/api/graphql/error-metrics.ts).
 */
import { Gauge, type Registry } from 'prom-client';
import type { Accepted, Submissions } from '../pipeline/submissions.js';
import { choirMetrics } from './choir-metrics.js';
import { RateWindow } from './rate-window.js';

export function countedSubmissions(inner: Submissions, registry: Registry): Submissions {
  const metrics = choirMetrics(registry);
  const rate = new RateWindow(60);
  new Gauge({
    name: 'choir_submissions_per_second',
    help: 'Actions accepted through the API per second over the last minute',
    registers: [registry],
    collect() {
      this.set(rate.perSecond());
    },
  });
  const count = async (action: string, call: () => Promise<Accepted>) => {
    const accepted = await call();
    if (accepted.created) {
      metrics.submissions.inc({ action });
      rate.add();
    }
    return accepted;
  };
  return {
    createThread: (req, meta) => count('thread', () => inner.createThread(req, meta)),
    submitMessage: (req, meta) => count('message', () => inner.submitMessage(req, meta)),
    vote: (req, meta) => count('vote', () => inner.vote(req, meta)),
    prepareTransaction: (req) => inner.prepareTransaction(req),
    sendTransaction: (tx) => inner.sendTransaction(tx),
  };
}
