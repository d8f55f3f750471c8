import { describe, expect, it } from 'vitest';
import { has, parsePrometheusText, sumOf } from './prometheus-text.js';

const TEXT = `# HELP choir_outbox_depth Outbox items
# TYPE choir_outbox_depth gauge
choir_outbox_depth{kind="message.submit",state="PENDING",service="choir"} 3
choir_outbox_depth{kind="vector.payload",state="PENDING",service="choir"} 2
choir_outbox_depth{kind="vector.payload",state="DEAD",service="choir"} 1
choir_api_subscriptions_active{service="choir"} 12
weird_label{a="x\\"y"} 1.5e3
`;

describe('parsePrometheusText', () => {
  it('reads names, labels (escapes included) and values, and sums by label', () => {
    const samples = parsePrometheusText(TEXT);
    expect(samples).toHaveLength(5);
    expect(samples[4]).toEqual({ name: 'weird_label', labels: { a: 'x"y' }, value: 1500 });
    expect(sumOf(samples, 'choir_outbox_depth', { state: 'PENDING' })).toBe(5);
    expect(sumOf(samples, 'choir_api_subscriptions_active')).toBe(12);
    expect(sumOf(samples, 'choir_missing')).toBe(0);
    expect(has(samples, 'choir_missing')).toBe(false);
  });
});
