import { describe, expect, it } from 'vitest';
import { capacityReport, capacityText, type Load, type NodeSize, type UnitCosts } from './capacity.js';

const units: UnitCosts = {
  cpuMicrosPerUpdate: 200,
  cpuMicrosPerSubmission: 2_000,
  bytesPerSubscription: 20_000,
  bytesPerMessage: 4_000,
  notifyEventsPerSecond: 20_000,
};
const node: NodeSize = { cores: 2, memoryBytes: 8 * 2 ** 30, diskFreeBytes: 100 * 2 ** 30 };
const idle: Load = {
  updatesPerSecond: 0,
  subscriptions: 0,
  submissionsPerSecond: 0,
  databaseBytes: 10 * 2 ** 20,
  vectorBytes: null,
  messages: 0,
  messagesPerDay: 0,
  residentBytes: null,
};

describe('capacityReport', () => {
  it('says what one node holds from the unit costs', () => {
    const r = capacityReport(idle, units, node);
    expect(r.ceilings).toEqual({
      updatesPerSecond: 10_000, // 2 cores / 200 µs
      subscriptions: 214_748, // half of 8 GiB / 20 kB
      submissionsPerSecond: 1_000,
      daysOfDisk: Number.POSITIVE_INFINITY,
    });
  });

  it('finds the resource that saturates first and says what to add', () => {
    const cpuBound = capacityReport({ ...idle, updatesPerSecond: 8_000, subscriptions: 1_000 }, units, node);
    expect(cpuBound.resources.find((x) => x.resource === 'cpu')?.used).toBeCloseTo(0.8);
    expect(cpuBound.saturatesFirst).toBe('cpu');
    const memoryBound = capacityReport({ ...idle, updatesPerSecond: 100, subscriptions: 200_000 }, units, node);
    expect(memoryBound.saturatesFirst).toBe('memory');
    expect(capacityText(memoryBound)).toContain('add: add API processes behind the load balancer');
    const diskBound = capacityReport({ ...idle, messagesPerDay: 1_000_000 }, units, node);
    // 1M messages/day x 4 kB = ~3.7 GiB/day: 27 days of 100 GiB, more than the 30-day horizon.
    expect(diskBound.ceilings.daysOfDisk).toBe(26);
    expect(diskBound.saturatesFirst).toBe('disk');
  });

  it('reports unknown load as n/a rather than as idle', () => {
    const r = capacityReport(
      { ...idle, updatesPerSecond: null, submissionsPerSecond: null, subscriptions: null },
      units,
      {
        ...node,
        diskFreeBytes: null,
      },
    );
    expect(r.saturatesFirst).toBeNull();
    expect(capacityText(r)).toContain('n/a');
    expect(capacityText(r)).toContain('nothing measured yet');
  });
});
