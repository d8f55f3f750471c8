/**
 * Request and event ids through a flow — mutation → outbox item → transaction → event — so one grep finds every
 * log line of one submission across the API, the worker and the indexer.
 *
 * - Within one process the ids ride on the async context: `runInFlow(ids, fn)` and every line logged inside `fn`
 *   (by any child logger: `flowMixin` is the root logger's mixin) carries `requestId` / `eventId`.
 * - Across the outbox (another process, or after a crash) they ride in the item's payload: `withFlow(payload)` when
 *   enqueuing, `runInFlow(flowOf(item.payload), …)` when handling.
 * - The event id is the event's global sequence (`events.sequence`), as a decimal string.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

export interface FlowIds {
  readonly requestId?: string;
  readonly eventId?: string;
}

// A context carrier, not shared state: each async context sees only the ids it was started with.
const storage = new AsyncLocalStorage<FlowIds>();

/** A new request id: `req_` and 12 URL-safe random characters. */
export function newRequestId(): string {
  return `req_${randomBytes(9).toString('base64url')}`;
}

/** A caller's `x-request-id` when it is a sane token (kept so a client's id appears in our logs), else a new one. */
export function requestIdFrom(header: string | undefined): string {
  return header && /^[A-Za-z0-9._:-]{1,64}$/.test(header) ? header : newRequestId();
}

/** Runs `fn` with `ids` added to the current flow's (an inner id replaces an outer one). */
export function runInFlow<T>(ids: FlowIds, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...defined(ids) }, fn);
}

/** The ids of the flow this code runs in (empty outside any). */
export function currentFlow(): FlowIds {
  return storage.getStore() ?? {};
}

/** The pino `mixin`: adds the current flow's ids to every log line. */
export function flowMixin(): Record<string, string> {
  return { ...defined(storage.getStore() ?? {}) };
}

/** A work payload that carries the current flow's ids (and `extra`, e.g. the event id just appended). */
export function withFlow<T extends object>(payload: T, extra: FlowIds = {}): T & FlowIds {
  return { ...payload, ...defined({ ...currentFlow(), ...extra }) };
}

/** The ids a payload written by `withFlow` carries. */
export function flowOf(payload: unknown): FlowIds {
  if (typeof payload !== 'object' || payload === null) return {};
  const { requestId, eventId } = payload as Record<string, unknown>;
  return defined({
    requestId: typeof requestId === 'string' ? requestId : undefined,
    eventId: typeof eventId === 'string' ? eventId : undefined,
  });
}

/** Express middleware: every request runs in a flow with its request id, echoed as `x-request-id`. */
export function requestIdMiddleware() {
  return (
    req: { header(name: string): string | undefined },
    res: { setHeader(name: string, value: string): unknown },
    next: () => void,
  ) => {
    const requestId = requestIdFrom(req.header('x-request-id'));
    res.setHeader('x-request-id', requestId);
    runInFlow({ requestId }, next);
  };
}

function defined(ids: FlowIds): FlowIds {
  const out: { requestId?: string; eventId?: string } = {};
  if (ids.requestId) out.requestId = ids.requestId;
  if (ids.eventId) out.eventId = ids.eventId;
  return out;
}
