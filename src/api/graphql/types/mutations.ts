import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Message } from './message.js';
import { BigIntScalar } from './scalars.js';
import { Thread } from './thread.js';

@InputType({ description: "A relayed create_thread: the creator signs the program's CHOIR_THREAD_V2 message." })
export class CreateThreadInput {
  @Field(() => String, { description: '32 bytes as 64 hex chars.' }) threadId!: string;
  @Field(() => [String], { description: 'Base58 keys, creator first.' }) coAuthors!: string[];
  @Field(() => BigIntScalar, { nullable: true, description: 'Lamports a spec must stake (default 0).' })
  minStake?: bigint;
  @Field(() => BigIntScalar, { nullable: true, description: "Seconds a spec stays open; 0: the program's default." })
  specLifetime?: bigint;
  @Field(() => String, { nullable: true }) title?: string;
  @Field(() => String) creator!: string;
  @Field(() => String, { description: 'Base58 ed25519 signature of the canonical message.' }) signature!: string;
}

@InputType({ description: 'A relayed message: the author signs CHOIR_MSG_V1 || thread || sha256(content).' })
export class SubmitMessageInput {
  @Field(() => String) threadAddress!: string;
  @Field(() => String) content!: string;
  @Field(() => String) author!: string;
  @Field(() => String) signature!: string;
}

@InputType({ description: 'A relayed vote: the voter signs CHOIR_VOTE_V1 || message address || approve.' })
export class VoteInput {
  @Field(() => String) messageAddress!: string;
  @Field(() => String) voter!: string;
  @Field(() => Boolean) approve!: boolean;
  @Field(() => String) signature!: string;
}

export enum WalletAction {
  SUBMIT_SPEC = 'SUBMIT_SPEC',
  DIVEST = 'DIVEST',
  EXPIRE_SPEC = 'EXPIRE_SPEC',
}
registerEnumType(WalletAction, { name: 'WalletAction', description: 'Actions the user pays for from their wallet.' });

@InputType({
  description:
    'SUBMIT_SPEC: threadAddress, author, content, stake. DIVEST: threadAddress, coAuthor. EXPIRE_SPEC: messageAddress, payer.',
})
export class PrepareTransactionInput {
  @Field(() => WalletAction) action!: WalletAction;
  @Field(() => String, { nullable: true }) threadAddress?: string;
  @Field(() => String, { nullable: true }) author?: string;
  @Field(() => String, { nullable: true }) content?: string;
  @Field(() => BigIntScalar, { nullable: true }) stake?: bigint;
  @Field(() => String, { nullable: true }) coAuthor?: string;
  @Field(() => String, { nullable: true }) messageAddress?: string;
  @Field(() => String, { nullable: true }) payer?: string;
}

@ObjectType({ description: 'An unsigned transaction for the wallet to sign, then pass to sendTransaction.' })
export class PreparedTransaction {
  @Field(() => String, { description: 'Base64 of the serialized unsigned transaction (fee payer: the user).' })
  transaction!: string;
  @Field(() => String) blockhash!: string;
  @Field(() => Number) lastValidBlockHeight!: number;
}

@ObjectType()
export class SentTransaction {
  @Field(() => String) signature!: string;
}

@ObjectType({ description: 'A thread creation the service accepted (relayed to the chain).' })
export class ThreadSubmission {
  @Field(() => String) address!: string;
  @Field(() => Boolean, { description: 'False: the same signed creation was accepted before (nothing new).' })
  created!: boolean;
  @Field(() => Thread, { nullable: true, description: 'Null until the indexer has seen the thread on chain.' })
  thread!: Thread | null;
}

@ObjectType({ description: 'A vote the service accepted (relayed to the chain).' })
export class VoteSubmission {
  @Field(() => String) messageAddress!: string;
  @Field(() => Boolean) created!: boolean;
  @Field(() => Message, { nullable: true }) message!: Message | null;
}
