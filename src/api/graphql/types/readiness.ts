import { Field, Float, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One dependency of the service and whether it answered in time.' })
export class DependencyStatus {
  @Field(() => String, { description: 'postgres, vector-store, chain, indexer, …' })
  name!: string;

  @Field(() => Boolean)
  ready!: boolean;

  @Field(() => Float, { description: 'How long the check took, in milliseconds.' })
  latencyMs!: number;

  @Field(() => String, { nullable: true, description: 'Why the dependency is not ready.' })
  error?: string;
}

@ObjectType('Health', {
  description: 'Whether the service can serve requests, dependency by dependency (same as GET /readyz).',
})
export class Readiness {
  @Field(() => Boolean)
  ready!: boolean;

  @Field(() => [DependencyStatus])
  dependencies!: DependencyStatus[];
}
