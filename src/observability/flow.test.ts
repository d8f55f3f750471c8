import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  currentFlow,
  flowMixin,
  flowOf,
  newRequestId,
  requestIdFrom,
  requestIdMiddleware,
  runInFlow,
  withFlow,
} from './flow.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, logger: pino({ mixin: flowMixin }, stream) };
}

describe('flow ids', () => {
  it('every line logged inside a flow carries its ids, through child loggers and awaits', async () => {
    const { lines, logger } = capture();
    const worker = logger.child({ component: 'pipeline' });
    await runInFlow({ requestId: 'req_a' }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      worker.info('accepted');
      await runInFlow({ eventId: '42' }, async () => worker.info('event appended'));
    });
    logger.info('outside');
    expect(lines.map((l) => [l.msg, l.requestId, l.eventId])).toEqual([
      ['accepted', 'req_a', undefined],
      ['event appended', 'req_a', '42'],
      ['outside', undefined, undefined],
    ]);
  });

  it('outbox payloads carry the ids to the worker that handles them', () => {
    const payload = runInFlow({ requestId: 'req_b' }, () => withFlow({ address: 'x' }, { eventId: '7' }));
    expect(payload).toEqual({ address: 'x', requestId: 'req_b', eventId: '7' });
    expect(flowOf(JSON.parse(JSON.stringify(payload)))).toEqual({ requestId: 'req_b', eventId: '7' });
    expect(flowOf({ requestId: 5 })).toEqual({});
    expect(withFlow({ a: 1 })).toEqual({ a: 1 });
  });

  it('keeps a sane x-request-id, replaces anything else', () => {
    expect(requestIdFrom('abc-123')).toBe('abc-123');
    expect(requestIdFrom('has space')).toMatch(/^req_[A-Za-z0-9_-]{12}$/);
    expect(requestIdFrom('x'.repeat(65))).toMatch(/^req_/);
    expect(newRequestId()).not.toBe(newRequestId());
  });

  it('the middleware runs the request in its flow and echoes the id', () => {
    const headers: Record<string, string> = {};
    let seen: unknown;
    requestIdMiddleware()(
      { header: () => 'client-id-1' },
      { setHeader: (k: string, v: string) => (headers[k] = v) },
      () => {
        seen = currentFlow();
      },
    );
    expect(headers).toEqual({ 'x-request-id': 'client-id-1' });
    expect(seen).toEqual({ requestId: 'client-id-1' });
  });
});
