import { Field, Int, ObjectType } from 'type-graphql';

// `simpleResolvers`: these types are read by the hundred per page, and their plain fields need no type-graphql
// wrapper (no middlewares here); graphql-js's default resolver reads the property. Fields renamed in the schema
// (`name:`) keep the wrapper (`simple: false`), which reads the class property instead.
import { ChainMessageStatus, Commitment, MessageKind, MessageStatus } from './enums.js';
import { BigIntScalar, DateTimeScalar } from './scalars.js';

@ObjectType({ simpleResolvers: true, description: "A co-author's vote on a spec." })
export class Vote {
  @Field(() => String)
  messageAddress!: string;
  @Field(() => String)
  voter!: string;
  @Field(() => Boolean)
  approve!: boolean;
  @Field(() => BigIntScalar)
  slot!: string;
  @Field(() => String, { name: 'signature', simple: false, nullable: true })
  txSignature!: string | null;
  @Field(() => Commitment)
  commitment!: Commitment;
  @Field(() => DateTimeScalar)
  createdAt!: string;
}

/** A message or spec. `thread` and `votes` are field resolvers in message.resolver.ts. */
@ObjectType({
  simpleResolvers: true,
  description: 'A message or spec, identified by its record address (the Message PDA).',
})
export class Message {
  @Field(() => String, { description: 'The Message PDA ["message", thread, sha256(content)], base58.' })
  address!: string;
  @Field(() => String, {
    name: 'hash',
    simple: false,
    description: 'sha256 of the content, 64 hex chars (unique within its thread).',
  })
  contentHash!: string;
  @Field(() => String)
  threadAddress!: string;
  @Field(() => String)
  author!: string;
  @Field(() => String, {
    nullable: true,
    description: "The backend's copy of the content (null when it never held it).",
  })
  content!: string | null;
  @Field(() => MessageKind)
  kind!: MessageKind;
  @Field(() => MessageStatus)
  status!: MessageStatus;
  @Field(() => ChainMessageStatus, { nullable: true, description: 'Null until the chain shows the message.' })
  chainStatus!: ChainMessageStatus | null;
  @Field(() => Int, { nullable: true, description: 'Position in the thread on chain.' })
  indexInThread!: number | null;
  @Field(() => BigIntScalar, { description: 'Lamports staked (specs).' })
  stake!: string;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When an open spec expires.' })
  expiresAt!: string | null;
  @Field(() => Int)
  approvals!: number;
  @Field(() => Int)
  denials!: number;
  @Field(() => BigIntScalar, { nullable: true, description: 'Slot of the last change the chain showed.' })
  slot!: string | null;
  @Field(() => String, { name: 'signature', simple: false, nullable: true })
  txSignature!: string | null;
  @Field(() => Commitment, { nullable: true })
  commitment!: Commitment | null;
  @Field(() => DateTimeScalar, { nullable: true })
  chainCreatedAt!: string | null;
  @Field(() => DateTimeScalar, { description: 'When the backend accepted or first saw the message.' })
  createdAt!: string;
}
