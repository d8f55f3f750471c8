import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';

@InputType({ description: 'The text of a record: kept only if its sha256 is the content hash recorded on chain.' })
export class ContentInput {
  @Field(() => ID, { description: 'The record (Message PDA) address.' })
  address!: string;
  @Field(() => String)
  content!: string;
}

@ObjectType({ description: 'What provideContent did with each offered text.' })
export class ContentProvided {
  @Field(() => Int, { description: 'Texts stored now (their points are restored: search finds them).' })
  stored!: number;
  @Field(() => Int, { description: 'Records that already had their text off chain.' })
  held!: number;
  @Field(() => [String], { description: 'Records whose hash the offered text does not match: refused.' })
  mismatched!: string[];
  @Field(() => [String], {
    description: 'Records not indexed at confirmed yet: offer their texts again in a moment.',
  })
  notIndexed!: string[];
}
