import { defineSection } from '../section.js';
import { v } from '../variable.js';

/** Readiness thresholds (`/readyz`, the GraphQL `health` query, `choir status`). */
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
  },
  (e) => ({ maxLagSlots: e.READY_MAX_LAG_SLOTS, maxLagSeconds: e.READY_MAX_LAG_SECONDS }),
);
export type ObservabilitySettings = ReturnType<typeof observabilitySection.build>;
