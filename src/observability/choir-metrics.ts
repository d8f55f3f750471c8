/**
 * choir's own measures, typed, on the registry the stack creates (never the global one): the design's four
 * histograms and the counters and gauges every part reports into. Each metric is created once per registry and
 * found again by name afterwards; the stack (and each role) calls `choirMetrics(registry)` and passes the handles
 * to the parts it composes (`ApiServices.metrics`, `PipelineOptions.metrics`), so there is no process-wide state.
 *
 * Where each is observed (see docs/operations.md for the dashboard):
 * - transactionLatency: submit → confirmed, per relayed action (the workers, when the relayer confirms);
 * - searchResponseTime: one `search` query, vector or fallback (the API's search resolver);
 * - stateSyncDelay: consecutive hops of a chain change — `indexed` (the indexer received the slot's update → its
 *   row committed) and `delivered` (committed → read by an API process's event hub);
 * - uiUpdate: event committed → sent to a subscriber (the API's subscriptions, per live message sent);
 * - dependencyCall: every vector-store, embedder and RPC call (wrapped where the stack creates them).
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { Categories, type ChoirError, type ErrorCode, ErrorCodes, toChoirError } from '../errors/index.js';

/** Sub-millisecond to a minute: API reads sit at the low end, chain confirmations at the high end. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export type RelayedAction = 'message' | 'spec' | 'thread' | 'vote';
export type SyncStage = 'indexed' | 'delivered';
export type Dependency = 'vector_store' | 'embedder' | 'rpc';

export interface ChoirMetrics {
  readonly transactionLatency: Histogram<'action'>;
  readonly searchResponseTime: Histogram<'mode'>;
  readonly stateSyncDelay: Histogram<'stage'>;
  readonly uiUpdate: Histogram;
  readonly dependencyCall: Histogram<'dependency' | 'operation' | 'outcome'>;
  readonly errors: Counter<'code' | 'domain' | 'category'>;
  readonly submissions: Counter<'action'>;
  readonly webSocketConnections: Gauge;
}

/** The metric names this module defines (the dashboard test checks them against a started stack). */
export const CHOIR_METRIC_NAMES = [
  'choir_transaction_latency_seconds',
  'choir_search_response_time_seconds',
  'choir_state_sync_delay_seconds',
  'choir_ui_update_seconds',
  'choir_dependency_call_seconds',
  'choir_errors_total',
  'choir_submissions_total',
  'choir_api_websocket_connections',
] as const;

export function choirMetrics(registry: Registry): ChoirMetrics {
  return {
    transactionLatency: histogram(registry, {
      name: 'choir_transaction_latency_seconds',
      help: 'Submit to confirmed: from the accepted mutation to its relayed transaction confirmed on chain',
      labelNames: ['action'],
    }),
    searchResponseTime: histogram(registry, {
      name: 'choir_search_response_time_seconds',
      help: 'Time to answer one search query (mode: vector, or fallback when the vector store is down)',
      labelNames: ['mode'],
    }),
    stateSyncDelay: histogram(registry, {
      name: 'choir_state_sync_delay_seconds',
      help: 'Chain change to client, per hop: indexed (update received -> row committed), delivered (committed -> event read by the API)',
      labelNames: ['stage'],
    }),
    uiUpdate: histogram(registry, {
      name: 'choir_ui_update_seconds',
      help: 'Event committed to sent to a subscriber',
      labelNames: [],
    }),
    dependencyCall: histogram(registry, {
      name: 'choir_dependency_call_seconds',
      help: 'Calls to the vector store, the embedder and the Solana RPC, by operation and outcome (ok, error, rejected)',
      labelNames: ['dependency', 'operation', 'outcome'],
    }),
    errors: existing(
      registry,
      'choir_errors_total',
      () =>
        new Counter({
          name: 'choir_errors_total',
          help: 'Errors by taxonomy code (src/errors/codes.ts), domain and category',
          labelNames: ['code', 'domain', 'category'],
          registers: [registry],
        }),
    ),
    submissions: existing(
      registry,
      'choir_submissions_total',
      () =>
        new Counter({
          name: 'choir_submissions_total',
          help: 'Actions accepted through the API (new, not repeats): messages, specs, threads, votes',
          labelNames: ['action'],
          registers: [registry],
        }),
    ),
    webSocketConnections: existing(
      registry,
      'choir_api_websocket_connections',
      () =>
        new Gauge({
          name: 'choir_api_websocket_connections',
          help: 'Open graphql-ws connections on this API process',
          registers: [registry],
        }),
    ),
  };
}

/** Counts `err` under its taxonomy code (anything that is not a ChoirError counts as INTERNAL). */
export function countError(metrics: ChoirMetrics, err: unknown): ChoirError {
  const e = toChoirError(err);
  metrics.errors.inc({ code: e.code, domain: e.domain, category: e.category });
  return e;
}

/**
 * Counts an error as a client received it, by its `extensions.code`: a taxonomy code under its own category and
 * domain; GraphQL's request errors (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, …), which the taxonomy does
 * not list, under their code as Input errors.
 */
export function countErrorCode(metrics: ChoirMetrics, code: unknown): void {
  const name = typeof code === 'string' && code ? code : 'INTERNAL';
  const category = name in ErrorCodes ? ErrorCodes[name as ErrorCode].category : 'Input';
  metrics.errors.inc({ code: name, domain: Categories[category].domain, category });
}

function histogram<L extends string>(
  registry: Registry,
  o: { name: string; help: string; labelNames: readonly L[] },
): Histogram<L> {
  return existing(
    registry,
    o.name,
    () => new Histogram<L>({ ...o, labelNames: [...o.labelNames], buckets: LATENCY_BUCKETS, registers: [registry] }),
  );
}

function existing<M>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}
