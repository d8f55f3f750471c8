import { Field, Float, InputType, ObjectType } from 'type-graphql';
import { MessageKind, MessageStatus } from './enums.js';
import { Message } from './message.js';
import { DateTimeScalar } from './scalars.js';

@InputType({ description: 'Filters applied inside the vector query (not to its results).' })
export class SearchFilter {
  @Field(() => String, { nullable: true })
  author?: string;
  @Field(() => String, { nullable: true, description: 'Only threads this key co-authors.' })
  coAuthor?: string;
  @Field(() => [MessageStatus], { nullable: true, description: 'Any of these pipeline statuses.' })
  status?: MessageStatus[];
  @Field(() => MessageKind, { nullable: true })
  kind?: MessageKind;
  @Field(() => DateTimeScalar, { nullable: true })
  createdAfter?: Date;
  @Field(() => DateTimeScalar, { nullable: true })
  createdBefore?: Date;
}

@ObjectType({ description: 'One search result.' })
export class SearchHit {
  @Field(() => Message)
  message!: Message;
  @Field(() => Float, { description: 'Cosine similarity to the query (0 for degraded text matches).' })
  score!: number;
  @Field(() => Boolean, {
    description: 'The content hash is recorded on chain in that thread at confirmed commitment or higher.',
  })
  onChainVerified!: boolean;
}

@ObjectType()
export class SearchResult {
  @Field(() => [SearchHit])
  hits!: SearchHit[];
  @Field(() => Boolean, {
    description: "The vector store did not answer: hits are substring matches from Postgres's copy of the content.",
  })
  degraded!: boolean;
  @Field(() => Float)
  tookMs!: number;
}
