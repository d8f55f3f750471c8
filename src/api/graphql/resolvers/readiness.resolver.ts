import { Ctx, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../context.js';
import { Readiness } from '../types/readiness.js';

@Resolver()
export class ReadinessResolver {
  @Query(() => Readiness, { description: 'Readiness of the service and of each dependency.' })
  async readiness(@Ctx() ctx: ApiContext): Promise<Readiness> {
    const report = await ctx.health.readiness();
    return {
      ready: report.ready,
      dependencies: report.dependencies.map(({ name, ready, latencyMs, error }) => ({ name, ready, latencyMs, error })),
    };
  }
}
