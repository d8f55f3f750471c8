/**
 * `provideContent`: the text of records written to the chain without this service — a spec the user's wallet paid
 * for (prepareTransaction → sendTransaction carries only its hash), a record from another client. Nobody can put
 * other words in a record: a text is kept only when it hashes to the record's content hash, and only for a record
 * with no text off chain yet (src/consistency/adopt-content.ts). Records not indexed at confirmed yet come back in
 * `notIndexed`: the SDK offers them again.
 */
import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { ApiContext } from '../context.js';
import { requireService } from '../services.js';
import { ContentInput, ContentProvided } from '../types/content.js';
import { badInput, publicKey, storableText } from '../validate.js';

/** Most texts one call takes. */
const MAX_TEXTS = 100;

@Resolver()
export class ContentResolver {
  @Mutation(() => ContentProvided, {
    description: 'Gives the service the texts of records it does not hold (each must hash to its record).',
  })
  provideContent(@Arg('messages', () => [ContentInput]) messages: ContentInput[], @Ctx() ctx: ApiContext) {
    if (messages.length === 0 || messages.length > MAX_TEXTS) {
      throw badInput('messages', `must list 1 to ${MAX_TEXTS} texts`);
    }
    const offered = messages.map((m, i) => {
      const address = publicKey(`messages[${i}].address`, m.address);
      if (m.content.length === 0) throw badInput(`messages[${i}].content`, 'must not be empty');
      storableText(`messages[${i}].content`, m.content);
      return { address, content: m.content };
    });
    return requireService(ctx, 'adoptContent')(offered);
  }
}
