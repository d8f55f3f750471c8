import { Field, Float, Int, ObjectType } from 'type-graphql';
import { BigIntScalar } from './scalars.js';

@ObjectType({ description: 'Skipped stream data, by reason.' })
export class DecodeFailures {
  @Field(() => Int) accountMalformed!: number;
  @Field(() => Int) instructionUnknown!: number;
  @Field(() => Int) updateMalformed!: number;
  @Field(() => Int, { description: 'Message accounts whose thread is unknown.' }) orphan!: number;
}

@ObjectType({ description: 'Where the chain indexer of this process stands.' })
export class IndexerStatus {
  @Field(() => String) stream!: string;
  @Field(() => String, { description: 'leader, standby or stopped.' }) role!: string;
  @Field(() => String, { description: 'idle, connecting, backfilling, streaming, reconnecting, failed, stopped.' })
  state!: string;
  @Field(() => BigIntScalar, { nullable: true }) lastProcessedSlot!: string | null;
  @Field(() => BigIntScalar, { nullable: true }) confirmedSlot!: string | null;
  @Field(() => BigIntScalar, { nullable: true }) finalizedSlot!: string | null;
  @Field(() => BigIntScalar, { nullable: true }) cursorSlot!: string | null;
  @Field(() => BigIntScalar, { nullable: true }) chainSlot!: string | null;
  @Field(() => Int) lagSlots!: number;
  @Field(() => Float) lagSeconds!: number;
  @Field(() => Int) gapsHealed!: number;
  @Field(() => DecodeFailures) decodeFailures!: DecodeFailures;
  @Field(() => Int) reconnects!: number;
  @Field(() => Float) updatesApplied!: number;
  @Field(() => String, { nullable: true }) lastError!: string | null;
}
