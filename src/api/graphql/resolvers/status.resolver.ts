import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import type { EventType } from '../../../events/types.js';
import type { ApiContext } from '../context.js';
import { eventPage } from '../read/events.js';
import { requireService } from '../services.js';
import { EventConnection } from '../types/connections.js';
import { EventTypeEnum } from '../types/enums.js';
import { toEventView } from '../types/events.js';
import { IndexerStatus } from '../types/indexer-status.js';
import { Readiness } from '../types/readiness.js';
import { SyncStatus } from '../types/sync-status.js';
import { optionalKey, pageSize, publicKey } from '../validate.js';
import { listComplexity } from './thread.resolver.js';

/** The operational view: health (as /readyz), the indexer's position, and the event log. */
@Resolver()
export class StatusResolver {
  @Query(() => Readiness, { description: 'Readiness of the service and of each dependency (same report as /readyz).' })
  health(@Ctx() ctx: ApiContext): Promise<Readiness> {
    return readiness(ctx);
  }

  @Query(() => Readiness, { deprecationReason: 'use health', description: 'Same as health.' })
  readiness(@Ctx() ctx: ApiContext): Promise<Readiness> {
    return readiness(ctx);
  }

  @Query(() => SyncStatus, {
    // It reads the thread's records from the chain and its points from the vector store: priced like a big page.
    complexity: 1_000,
    description:
      'Compares a thread across the chain, the vector store and Postgres now (as `choir sync --thread`); NOT_FOUND when the chain has no such thread.',
  })
  syncStatus(@Arg('threadAddress', () => ID) threadAddress: string, @Ctx() ctx: ApiContext): Promise<SyncStatus> {
    return requireService(ctx, 'syncStatus')(publicKey('threadAddress', threadAddress));
  }

  @Query(() => IndexerStatus, { nullable: true, description: "This process's indexer; null when it runs none." })
  indexerStatus(@Ctx() ctx: ApiContext): IndexerStatus | null {
    const s = ctx.indexerStatus?.();
    if (!s) return null;
    const f = s.decodeFailures;
    return {
      ...s,
      decodeFailures: {
        accountMalformed: f.account_malformed,
        instructionUnknown: f.instruction_unknown,
        updateMalformed: f.update_malformed,
        orphan: f.orphan,
      },
    };
  }

  @Query(() => EventConnection, {
    complexity: listComplexity,
    description: 'The event log in commit order, after a cursor; optionally one thread or some types.',
  })
  async events(
    @Ctx() ctx: ApiContext,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('types', () => [EventTypeEnum], { nullable: true }) types?: EventType[],
    @Arg('threadAddress', () => ID, { nullable: true }) threadAddress?: string,
  ): Promise<EventConnection> {
    const page = await eventPage(ctx.loaders.sql, {
      first: pageSize(first, 50, ctx.settings.maxPageSize),
      after,
      types,
      threadAddress: optionalKey('threadAddress', threadAddress),
    });
    ctx.caches?.handingOut(page.items);
    return new EventConnection({ ...page, items: page.items.map(toEventView) as never });
  }
}

async function readiness(ctx: ApiContext): Promise<Readiness> {
  const report = await ctx.health.readiness();
  return {
    ready: report.ready,
    dependencies: report.dependencies.map(({ name, ready, latencyMs, error }) => ({ name, ready, latencyMs, error })),
  };
}
