import { Field, Int, ObjectType } from 'type-graphql';

// `simpleResolvers`: these types are read by the hundred per page, and their plain fields need no type-graphql
// wrapper (no middlewares here); graphql-js's default resolver reads the property. Fields renamed in the schema
// (`name:`) keep the wrapper (`simple: false`), which reads the class property instead.
import { Commitment } from './enums.js';
import { BigIntScalar, DateTimeScalar } from './scalars.js';

/**
 * A Choir thread: its on-chain account as last indexed, plus off-chain metadata. Relations (`coAuthors`,
 * `messages`, `events`) are field resolvers in thread.resolver.ts.
 */
@ObjectType({ simpleResolvers: true, description: 'A Choir thread (the Thread PDA), as indexed from the chain.' })
export class Thread {
  @Field(() => String, { description: 'The Thread PDA, base58: the thread id of the API.' })
  address!: string;
  @Field(() => String, { description: 'The 32-byte thread id its creator chose, 64 hex chars.' })
  threadId!: string;
  @Field(() => String)
  creator!: string;
  @Field(() => String, { nullable: true })
  title!: string | null;
  @Field(() => Int, { description: 'Messages recorded on chain.' })
  messageCount!: string;
  @Field(() => Int)
  specCount!: string;
  @Field(() => BigIntScalar, { name: 'balance', simple: false, description: 'Lamports held by the thread account.' })
  lamports!: string;
  @Field(() => BigIntScalar)
  minStake!: string;
  @Field(() => BigIntScalar, { description: 'Seconds a spec stays open for votes.' })
  specLifetime!: string;
  @Field(() => String, { description: 'Running sha256 over the content hashes recorded on chain, 64 hex chars.' })
  contentRoot!: string;
  @Field(() => BigIntScalar, { description: 'Slot of the last change applied.' })
  slot!: string;
  @Field(() => String, {
    name: 'signature',
    simple: false,
    nullable: true,
    description: 'Transaction of the last change applied.',
  })
  txSignature!: string | null;
  @Field(() => Commitment)
  commitment!: Commitment;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Block time of the creating transaction.' })
  chainCreatedAt!: string | null;
  @Field(() => DateTimeScalar, { description: 'When the backend first saw the thread.' })
  createdAt!: string;
}
