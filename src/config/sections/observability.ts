import { defineSection } from '../section.js';
import { v } from '../variable.js';

/**
 * Readiness thresholds (`/readyz`, the GraphQL `health` query, `choir status`) and the per-unit costs
 * `choir status --capacity` plans with (defaults: what `npm run bench -- indexer-ingest` and `-- capacity-units`
 * measured on a 2-core machine; docs/scaling.md).
 */
export const observabilitySection = defineSection(
  'observability',
  {
    READY_MAX_LAG_SLOTS: v.int({
      default: '150',
      min: 1,
      max: 1_000_000,
      example: '150',
      description: 'The leading indexer is not ready when the stream has shown slots this far beyond what it applied.',
    }),
    READY_MAX_LAG_SECONDS: v.int({
      default: '30',
      min: 1,
      max: 86_400,
      example: '30',
      description:
        'The leading indexer is not ready when its oldest received, uncommitted update has waited this long (seconds).',
    }),
    CAPACITY_CPU_US_PER_UPDATE: v.int({
      default: '200',
      min: 1,
      max: 1_000_000,
      example: '200',
      description:
        'CPU microseconds one indexed update costs across the Geyser client, the indexer and Postgres (bench indexer-ingest).',
    }),
    CAPACITY_CPU_US_PER_SUBMISSION: v.int({
      default: '10000',
      min: 1,
      max: 10_000_000,
      example: '10000',
      description:
        'CPU microseconds one accepted submission costs end to end: API, embed, store, relay, index, Postgres (bench capacity-units).',
    }),
    CAPACITY_BYTES_PER_SUBSCRIPTION: v.int({
      default: '10000',
      min: 1,
      max: 100_000_000,
      example: '10000',
      description: 'API process memory one open subscription takes (bench capacity-units).',
    }),
    CAPACITY_BYTES_PER_MESSAGE: v.int({
      default: '10000',
      min: 1,
      max: 100_000_000,
      example: '10000',
      description: 'Postgres bytes one message adds with its events, outbox items and indexes (bench capacity-units).',
    }),
    CAPACITY_FANOUT_EVENTS_PER_SECOND: v.int({
      default: '5000',
      min: 1,
      max: 10_000_000,
      example: '5000',
      description: 'Events per second one API process reads from its LISTEN hub and fans out (bench capacity-units).',
    }),
  },
  (e) => ({
    maxLagSlots: e.READY_MAX_LAG_SLOTS,
    maxLagSeconds: e.READY_MAX_LAG_SECONDS,
    units: {
      cpuMicrosPerUpdate: e.CAPACITY_CPU_US_PER_UPDATE,
      cpuMicrosPerSubmission: e.CAPACITY_CPU_US_PER_SUBMISSION,
      bytesPerSubscription: e.CAPACITY_BYTES_PER_SUBSCRIPTION,
      bytesPerMessage: e.CAPACITY_BYTES_PER_MESSAGE,
      notifyEventsPerSecond: e.CAPACITY_FANOUT_EVENTS_PER_SECOND,
    },
  }),
);
export type ObservabilitySettings = ReturnType<typeof observabilitySection.build>;
