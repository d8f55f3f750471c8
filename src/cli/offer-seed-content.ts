/**
 * After `choir devnet seed`: the seed writes records straight to the chain, so their texts exist only in its output.
 * When a choir service runs here, hand them over (its admin route `adopt-content`: each text is kept only if it
 * hashes to its record, then embedded), so seeded threads show their messages, search finds them and `choir sync`
 * is clean. Records the indexer has not applied yet are offered again until it has (or the deadline passes).
 */
import type { AdoptReport } from '../consistency/adopt-content.js';
import type { SeededMessage } from '../devnet/seed.js';
import type { Logger } from '../observability/logger.js';
import { askService } from './service-client.js';

export async function offerSeedContent(
  baseUrl: string,
  messages: readonly SeededMessage[],
  logger: Logger,
  o: { deadlineMs?: number; retryMs?: number } = {},
): Promise<{ stored: number; pointsRestored: number; pending: number } | undefined> {
  let offered = messages.map((m) => ({ address: m.address, content: m.content }));
  const deadline = Date.now() + (o.deadlineMs ?? 60_000);
  let stored = 0;
  let pointsRestored = 0;
  while (offered.length > 0) {
    let report: AdoptReport | undefined;
    try {
      report = await askService<AdoptReport>(baseUrl, 'adopt-content', { messages: offered }, () => {});
    } catch (err) {
      // The chain is seeded either way: say what did not happen, and keep the seed's result.
      logger.warn({ err }, 'the running service did not take the seeded texts: they are in this output only');
      return undefined;
    }
    if (report === undefined) {
      logger.info('no choir service is running here: the seeded texts are in this output only (not searchable)');
      return undefined;
    }
    stored += report.stored;
    pointsRestored += report.pointsRestored;
    if (report.mismatched.length > 0) {
      logger.warn({ addresses: report.mismatched }, 'the service refused texts that do not hash to their records');
    }
    const waiting = new Set(report.notIndexed);
    offered = offered.filter((m) => waiting.has(m.address));
    if (offered.length === 0 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, o.retryMs ?? 500));
  }
  if (offered.length > 0) {
    logger.warn(
      { pending: offered.map((m) => m.address) },
      'the indexer had not applied these seeded records in time: their texts are in this output only',
    );
  }
  logger.info({ stored, pointsRestored }, `gave the running service the text of ${stored} seeded messages`);
  return { stored, pointsRestored, pending: offered.length };
}
