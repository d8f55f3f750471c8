import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../context.js';
import { threadPage } from '../read/threads.js';
import { requireService } from '../services.js';
import { AuthChallenge, SessionToken, Viewer } from '../types/auth.js';
import { ThreadConnection } from '../types/connections.js';
import { CredentialKind, ListOrder } from '../types/enums.js';
import { pageSize, publicKey, signature } from '../validate.js';
import { listComplexity } from './thread.resolver.js';

/** Wallet sign-in (challenge → signed challenge → session token), sign-out, and `viewer`. */
@Resolver(() => Viewer)
export class AuthResolver {
  @Mutation(() => AuthChallenge, { description: 'A one-time, expiring text for `publicKey` to sign.' })
  authChallenge(@Arg('publicKey', () => String) key: string, @Ctx() ctx: ApiContext): Promise<AuthChallenge> {
    return requireService(ctx, 'auth').challenge(publicKey('publicKey', key));
  }

  @Mutation(() => SessionToken, { description: 'Exchanges a signed challenge for a session token.' })
  signIn(
    @Arg('publicKey', () => String) key: string,
    @Arg('signature', () => String) sig: string,
    @Ctx() ctx: ApiContext,
  ): Promise<SessionToken> {
    return requireService(ctx, 'auth').signIn(publicKey('publicKey', key), signature('signature', sig));
  }

  @Mutation(() => Boolean, { description: 'Revokes the session in use; false when the caller has none.' })
  signOut(@Ctx() ctx: ApiContext): Promise<boolean> {
    return requireService(ctx, 'auth').signOut(ctx.viewer);
  }

  @Query(() => Viewer, { nullable: true, description: 'The caller; null when anonymous.' })
  viewer(@Ctx() ctx: ApiContext): Viewer | null {
    const v = ctx.viewer;
    if (!v) return null;
    return v.kind === 'SESSION'
      ? { kind: CredentialKind.SESSION, publicKey: v.publicKey, apiKeyName: null, expiresAt: v.expiresAt }
      : { kind: CredentialKind.API_KEY, publicKey: null, apiKeyName: v.name, expiresAt: null };
  }

  @FieldResolver(() => ThreadConnection, { complexity: listComplexity, description: 'Threads the key co-authors.' })
  async threads(
    @Root() viewer: Viewer,
    @Ctx() ctx: ApiContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<ThreadConnection> {
    const size = pageSize(first, 20, ctx.settings.maxPageSize);
    if (!viewer.publicKey) {
      return new ThreadConnection({
        items: [],
        cursorAt: () => '',
        hasNextPage: false,
        hasPreviousPage: false,
        count: async () => 0,
      });
    }
    return new ThreadConnection(
      await threadPage(ctx.loaders.sql, {
        first: size,
        after,
        coAuthor: viewer.publicKey,
        orderBy: ListOrder.NEWEST_FIRST,
      }),
    );
  }
}
