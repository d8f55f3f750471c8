/** Builds the per-request (HTTP) or per-operation (graphql-ws) context: caller, loaders, deadline, id. */
import { randomUUID } from 'node:crypto';
import { currentFlow } from '../../observability/flow.js';
import type { Credential } from './auth/auth.js';
import { bearer } from './auth/tokens.js';
import type { ApiContext, ApiServices } from './context.js';
import { createLoaders, type Loaders } from './loaders/loaders.js';
import { noDatabase } from './services.js';

/**
 * The context class of one services object: an operation's own fields (caller, id, deadline, connection, loaders)
 * on instances of one shape, the services inherited through the prototype instead of copied into each context
 * (10,000 subscriptions are 10,000 contexts).
 */
function contextClass(services: ApiServices) {
  class OperationContext {
    private built: Loaders | undefined = undefined;
    constructor(
      readonly viewer: Credential | null,
      private id: string | undefined,
      readonly signal: AbortSignal | undefined,
      readonly connection: { subscriptions: number } | undefined,
    ) {}

    /**
     * Made on first use when the request brought none: most subscriptions never log, and `randomUUID`'s string is
     * a tree of ~15 concatenations (~450 B) that 10,000 subscription contexts would each hold.
     */
    get requestId(): string {
      this.id ??= randomUUID();
      return this.id;
    }

    /** Built on first use: a subscription that never reads a relation never builds them. */
    get loaders(): Loaders {
      // A replica may lag the events that drop cache entries: what it returns is not cached (it could outlive them).
      const caches = services.readDb ? undefined : services.caches;
      this.built ??= createLoaders(services.readDb ?? services.db ?? noDatabase, this.signal, caches);
      return this.built;
    }

    /** The subscription resolver gives each payload fresh loaders (`refresh`). */
    set loaders(value: Loaders) {
      this.built = value;
    }
  }
  Object.setPrototypeOf(OperationContext.prototype, services);
  return OperationContext;
}

const classes = new WeakMap<ApiServices, ReturnType<typeof contextClass>>();

export function buildContext(
  services: ApiServices,
  viewer: Credential | null,
  options: { signal?: AbortSignal; requestId?: string; connection?: { subscriptions: number } } = {},
): ApiContext {
  let Context = classes.get(services);
  if (!Context) {
    Context = contextClass(services);
    classes.set(services, Context);
  }
  // The HTTP request's id (x-request-id, requestIdMiddleware) when there is one: the same id in logs and outbox items.
  const requestId = options.requestId ?? currentFlow().requestId;
  const context = new Context(viewer, requestId, options.signal, options.connection);
  return context as unknown as ApiContext;
}

/**
 * Moves an operation's reads to the primary: a mutation reads back what it wrote, and a subscription follows
 * events the primary announced (a lagging replica could miss them). Nothing to do without a read replica.
 */
export function readOwnWrites(context: ApiContext): void {
  if (context.readDb === undefined) return;
  (context as { loaders: Loaders }).loaders = createLoaders(context.db ?? noDatabase, context.signal);
}

/** The caller an `authorization` value names (null: anonymous). Throws UNAUTHENTICATED / SESSION_EXPIRED. */
export async function authenticate(services: ApiServices, authorization: unknown): Promise<Credential | null> {
  const token = bearer(authorization);
  if (token === null || !services.auth) return null;
  return services.auth.authenticate(token);
}
