import { Field, Float, Int, ObjectType } from 'type-graphql';
import { DIFFERENCE_KINDS } from '../../../consistency/types.js';

@ObjectType({ description: 'One way the chain, the vector store and Postgres disagree about a thread.' })
export class SyncDifference {
  @Field(() => String, {
    description: `One of: ${DIFFERENCE_KINDS.join(', ')} (docs/consistency.md).`,
  })
  kind!: string;
  @Field(() => String, { description: 'The message (or, for thread-level differences, the thread) concerned.' })
  address!: string;
  @Field(() => String)
  detail!: string;
}

@ObjectType({ description: 'How long each side took to read.' })
export class SyncTimings {
  @Field(() => Float)
  chainMs!: number;
  @Field(() => Float)
  vectorMs!: number;
  @Field(() => Float)
  postgresMs!: number;
  @Field(() => Float)
  totalMs!: number;
}

@ObjectType({
  description:
    'A thread compared across the chain (its records), the vector store (its points) and Postgres (its rows), now: what `choir sync --thread` reports.',
})
export class SyncStatus {
  @Field(() => String)
  threadAddress!: string;
  @Field(() => Boolean, { description: 'No difference found.' })
  consistent!: boolean;
  @Field(() => [SyncDifference])
  differences!: SyncDifference[];
  @Field(() => Int, { description: 'On-chain records compared (messages and specs).' })
  chainMessages!: number;
  @Field(() => Int)
  points!: number;
  @Field(() => Int)
  rows!: number;
  @Field(() => Int, { description: 'Chain changes the indexer has not applied yet: compared by a later sync.' })
  inFlight!: number;
  @Field(() => Boolean, { description: 'False when the content root could not be recomputed.' })
  rootChecked!: boolean;
  @Field(() => SyncTimings)
  timings!: SyncTimings;
}
