/**
 * Long admin operations answer with NDJSON: one JSON object per line, flushed as it happens — `progress` lines,
 * then exactly one `result` or `error` line. The status is 200 once streaming starts, so the last line is what says
 * how it ended.
 */
import type { Response } from 'express';

export type AdminLine =
  | { readonly type: 'progress'; readonly [field: string]: unknown }
  | { readonly type: 'result'; readonly result: unknown }
  | { readonly type: 'error'; readonly code: string; readonly message: string };

export function ndjson(res: Response) {
  res.status(200).type('application/x-ndjson');
  res.setHeader('cache-control', 'no-store');
  res.flushHeaders();
  return {
    write(line: AdminLine) {
      res.write(`${JSON.stringify(line)}\n`);
    },
    end() {
      res.end();
    },
  };
}
