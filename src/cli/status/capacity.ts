/**
 * Capacity of one node: the current load against the per-unit costs the benchmarks measured, what is left, which
 * resource runs out first and what to add then (docs/scaling.md). Pure: the caller gathers the figures.
 */

export interface Load {
  /** Indexer updates committed per second (1-minute window); null when no indexer answered. */
  readonly updatesPerSecond: number | null;
  /** Open subscriptions on the API process asked; null when no API answered. */
  readonly subscriptions: number | null;
  readonly submissionsPerSecond: number | null;
  readonly databaseBytes: number;
  readonly vectorBytes: number | null;
  readonly messages: number;
  readonly messagesPerDay: number;
  /** Resident memory of the process asked, for the report. */
  readonly residentBytes: number | null;
}

export interface UnitCosts {
  /** CPU per indexed update across client, indexer and Postgres (bench indexer-ingest). */
  readonly cpuMicrosPerUpdate: number;
  /** CPU per accepted submission across API, worker, relayer and Postgres (bench capacity-units). */
  readonly cpuMicrosPerSubmission: number;
  /** API process memory per open subscription (bench capacity-units). */
  readonly bytesPerSubscription: number;
  /** Postgres bytes per message with its events, outbox row and indexes (bench capacity-units). */
  readonly bytesPerMessage: number;
  /** Events per second one process's LISTEN hub reads and fans out (bench capacity-units). */
  readonly notifyEventsPerSecond: number;
}

export interface NodeSize {
  readonly cores: number;
  readonly memoryBytes: number;
  /** Free bytes where Postgres keeps its data; null when unknown (a remote database). */
  readonly diskFreeBytes: number | null;
}

export type Resource = 'cpu' | 'memory' | 'disk' | 'fanout';

export interface ResourceReport {
  readonly resource: Resource;
  /** Fraction of the node's capacity in use (1 = saturated); null when the load is unknown. */
  readonly used: number | null;
  /** In words: load, capacity and what one node holds. */
  readonly detail: string;
  readonly add: string;
}

export interface CapacityReport {
  readonly load: Load;
  readonly units: UnitCosts;
  readonly node: NodeSize;
  readonly resources: ResourceReport[];
  /** The resource with the highest use (the first to saturate), or null when no load is known. */
  readonly saturatesFirst: Resource | null;
  /** What one node holds at most, each alone: updates/s, subscriptions, submissions/s, days of growth. */
  readonly ceilings: {
    updatesPerSecond: number;
    subscriptions: number;
    submissionsPerSecond: number;
    daysOfDisk: number | null;
  };
}

/** Memory kept for Postgres, the OS and the process's own baseline: subscriptions get the rest. */
const MEMORY_FOR_SUBSCRIPTIONS = 0.5;
/** Disk: warn when the next 30 days of growth would not fit. */
const DISK_HORIZON_DAYS = 30;

const ADD: Record<Resource, string> = {
  cpu: 'move Postgres to its own machine, then run the API and workers as separate processes (--role api / --role worker) on more machines; the indexer stays one per program, so its share needs a faster core',
  memory:
    'add API processes behind the load balancer (choir start --role api): subscriptions spread across them, each LISTENs once',
  disk: 'grow the Postgres volume (messages are never deleted), or move analysts to a read replica with its own disk',
  fanout:
    'NOTIFY fan-out is per process: add API processes; past the per-process read rate, shard subscriptions by thread across API pools',
};

export function capacityReport(load: Load, units: UnitCosts, node: NodeSize): CapacityReport {
  const resources: ResourceReport[] = [];
  const cpuUsed =
    load.updatesPerSecond === null && load.submissionsPerSecond === null
      ? null
      : ((load.updatesPerSecond ?? 0) * units.cpuMicrosPerUpdate +
          (load.submissionsPerSecond ?? 0) * units.cpuMicrosPerSubmission) /
        1e6 /
        node.cores;
  const ceilings = {
    updatesPerSecond: Math.floor((node.cores * 1e6) / units.cpuMicrosPerUpdate),
    subscriptions: Math.floor((node.memoryBytes * MEMORY_FOR_SUBSCRIPTIONS) / units.bytesPerSubscription),
    submissionsPerSecond: Math.floor((node.cores * 1e6) / units.cpuMicrosPerSubmission),
    daysOfDisk:
      node.diskFreeBytes === null
        ? null
        : load.messagesPerDay > 0
          ? Math.floor(node.diskFreeBytes / (load.messagesPerDay * units.bytesPerMessage))
          : Number.POSITIVE_INFINITY,
  };
  resources.push({
    resource: 'cpu',
    used: cpuUsed,
    detail: `${fmt(load.updatesPerSecond)} updates/s x ${units.cpuMicrosPerUpdate} us + ${fmt(load.submissionsPerSecond)} submissions/s x ${units.cpuMicrosPerSubmission} us on ${node.cores} cores; alone, one node ingests ${ceilings.updatesPerSecond} updates/s or accepts ${ceilings.submissionsPerSecond} submissions/s`,
    add: ADD.cpu,
  });
  resources.push({
    resource: 'memory',
    used:
      load.subscriptions === null
        ? null
        : (load.subscriptions * units.bytesPerSubscription) / (node.memoryBytes * MEMORY_FOR_SUBSCRIPTIONS),
    detail: `${fmt(load.subscriptions)} subscriptions x ${bytes(units.bytesPerSubscription)} of ${bytes(node.memoryBytes * MEMORY_FOR_SUBSCRIPTIONS)} (half the node's memory); one node holds ${ceilings.subscriptions} subscriptions`,
    add: ADD.memory,
  });
  const growth = load.messagesPerDay * units.bytesPerMessage;
  resources.push({
    resource: 'disk',
    used:
      node.diskFreeBytes === null ? null : Math.min(1, (growth * DISK_HORIZON_DAYS) / Math.max(1, node.diskFreeBytes)),
    detail: `${load.messagesPerDay} messages/day x ${bytes(units.bytesPerMessage)} = ${bytes(growth)}/day; database ${bytes(load.databaseBytes)}${load.vectorBytes === null ? '' : `, vectors ~${bytes(load.vectorBytes)}`}; ${node.diskFreeBytes === null ? 'free disk unknown (remote database)' : `${bytes(node.diskFreeBytes)} free: ${ceilings.daysOfDisk === Number.POSITIVE_INFINITY ? 'no growth' : `${ceilings.daysOfDisk} days`}`}`,
    add: ADD.disk,
  });
  const events =
    load.updatesPerSecond === null && load.submissionsPerSecond === null
      ? null
      : (load.updatesPerSecond ?? 0) + (load.submissionsPerSecond ?? 0);
  resources.push({
    resource: 'fanout',
    used: events === null ? null : events / units.notifyEventsPerSecond,
    detail: `~${fmt(events)} events/s (updates + submissions) against ${units.notifyEventsPerSecond} events/s one API process's hub reads`,
    add: ADD.fanout,
  });
  const known = resources.filter((r) => r.used !== null);
  const first = known.length ? known.reduce((a, b) => ((b.used as number) > (a.used as number) ? b : a)) : null;
  return { load, units, node, resources, saturatesFirst: first?.resource ?? null, ceilings };
}

/** The report for a person: one line per resource, the first to saturate marked, and what to add. */
export function capacityText(report: CapacityReport): string {
  const lines = ['capacity of one node (docs/scaling.md):'];
  for (const r of report.resources) {
    const used = r.used === null ? '   n/a' : `${(r.used * 100).toFixed(1).padStart(5)}%`;
    const mark = r.resource === report.saturatesFirst ? '  <- saturates first' : '';
    lines.push(`  ${r.resource.padEnd(7)} ${used}  ${r.detail}${mark}`);
  }
  const first = report.resources.find((r) => r.resource === report.saturatesFirst);
  lines.push(first ? `add: ${first.add}` : 'add: nothing measured yet (no load known: is the service running?)');
  return `${lines.join('\n')}\n`;
}

function fmt(n: number | null): string {
  if (n === null) return 'n/a';
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 && i > 0 ? 1 : 0)} ${units[i]}`;
}
