import { defineSection } from '../section.js';
import { v } from '../variable.js';

/** The GraphQL API's limits, sessions and rate limits. */
export const apiSection = defineSection(
  'api',
  {
    API_MAX_PAGE_SIZE: v.int({
      default: '100',
      min: 1,
      max: 1_000,
      example: '100',
      description: 'Largest `first` a connection (threads, messages, events, search) accepts.',
    }),
    API_CACHE_TTL_MS: v.int({
      default: '5000',
      min: 0,
      max: 3_600_000,
      example: '5000',
      description:
        "Longest an API process serves thread state or a search's vector hits from its in-process cache; events drop entries at once, this bounds changes that come without one (0 turns the caches off).",
    }),
    API_CACHE_ENTRIES: v.int({
      default: '10000',
      min: 1,
      max: 10_000_000,
      example: '10000',
      description: 'Most entries each in-process cache (threads, co-authors, search hits) keeps.',
    }),
    API_MAX_DEPTH: v.int({
      default: '12',
      min: 2,
      max: 100,
      example: '12',
      description: 'Deepest selection nesting a GraphQL operation may have (HTTP and WebSocket).',
    }),
    API_MAX_COMPLEXITY: v.int({
      default: '20000',
      min: 10,
      max: 10_000_000,
      example: '20000',
      description:
        'Highest estimated cost of one operation (fields × page sizes); costlier ones are refused before they run.',
    }),
    API_MAX_ALIASES: v.int({
      default: '50',
      min: 1,
      max: 10_000,
      example: '50',
      description: 'Most fields (aliases included) one selection set may list: the breadth limit.',
    }),
    API_MAX_BODY_BYTES: v.int({
      default: '1048576',
      min: 1_024,
      max: 100 * 1_048_576,
      example: '1048576',
      description: 'Largest HTTP request body (query + variables) and WebSocket message, in bytes.',
    }),
    API_QUERY_TIMEOUT_MS: v.int({
      default: '10000',
      min: 10,
      max: 600_000,
      example: '10000',
      description: 'How long one query or mutation may run before it is answered with QUERY_TIMEOUT.',
    }),
    API_ANONYMOUS_READS: v.bool({
      default: 'true',
      example: 'false',
      description: 'Whether queries and subscriptions work without a session token or API key.',
    }),
    API_RATE_LIMIT_PER_MINUTE: v.int({
      default: '600',
      min: 0,
      max: 10_000_000,
      example: '600',
      description: 'Operations per minute one session or API key may run (per API process); 0: unlimited.',
    }),
    API_RATE_LIMIT_IP_PER_MINUTE: v.int({
      default: '300',
      min: 0,
      max: 10_000_000,
      example: '300',
      description: 'Operations per minute one client IP may run without credentials (per API process); 0: unlimited.',
    }),
    API_MAX_SUBSCRIPTIONS_PER_CONNECTION: v.int({
      default: '100',
      min: 1,
      max: 100_000,
      example: '100',
      description: 'Active subscriptions one graphql-ws connection may hold; more are answered with an error.',
    }),
    API_SUBSCRIPTION_BUFFER: v.int({
      default: '10000',
      min: 10,
      max: 10_000_000,
      example: '10000',
      description:
        'Events a subscriber may lag behind before its subscription ends with SUBSCRIPTION_FAILED (resume from its cursor).',
    }),
    SESSION_TTL_SECONDS: v.int({
      default: '604800',
      min: 60,
      max: 31_536_000,
      example: '86400',
      description: 'How long a wallet sign-in session lasts.',
    }),
    AUTH_CHALLENGE_TTL_SECONDS: v.int({
      default: '300',
      min: 10,
      max: 3_600,
      example: '300',
      description: 'How long a sign-in challenge (`authChallenge`) may be signed and used.',
    }),
  },
  (e) => ({
    maxPageSize: e.API_MAX_PAGE_SIZE,
    cacheTtlMs: e.API_CACHE_TTL_MS,
    cacheEntries: e.API_CACHE_ENTRIES,
    maxDepth: e.API_MAX_DEPTH,
    maxComplexity: e.API_MAX_COMPLEXITY,
    maxAliases: e.API_MAX_ALIASES,
    maxBodyBytes: e.API_MAX_BODY_BYTES,
    queryTimeoutMs: e.API_QUERY_TIMEOUT_MS,
    anonymousReads: e.API_ANONYMOUS_READS,
    rateLimitPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
    rateLimitIpPerMinute: e.API_RATE_LIMIT_IP_PER_MINUTE,
    maxSubscriptionsPerConnection: e.API_MAX_SUBSCRIPTIONS_PER_CONNECTION,
    subscriptionBuffer: e.API_SUBSCRIPTION_BUFFER,
    sessionTtlSeconds: e.SESSION_TTL_SECONDS,
    challengeTtlSeconds: e.AUTH_CHALLENGE_TTL_SECONDS,
  }),
);
export type ApiSettings = ReturnType<typeof apiSection.build>;
