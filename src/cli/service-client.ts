/**
 * Asks a running service to do a consistency operation through its admin routes (src/api/admin), relaying its
 * progress lines. `undefined` when no choir service answers there (connection refused, or a server without the
 * admin routes): the caller then opens the stores itself.
 */
import { ChoirError, type ErrorCode, ErrorCodes } from '../errors/index.js';

const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ErrorCodes, code);

export type ProgressLine = Record<string, unknown> & { done: number; total: number };

/** The loopback URL of the service the settings describe, or undefined when it does not listen on loopback. */
export function serviceUrl(server: { host: string; port: number }): string | undefined {
  if (server.host === '0.0.0.0' || server.host === '127.0.0.1' || server.host === 'localhost') {
    return `http://127.0.0.1:${server.port}`;
  }
  if (server.host === '::' || server.host === '::1') return `http://[::1]:${server.port}`;
  return undefined;
}

function refused(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } }).cause?.code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EADDRNOTAVAIL';
}

async function* lines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      yield buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
    }
  }
  if (buffered.trim()) yield buffered;
}

export async function askService<T>(
  baseUrl: string,
  operation: 'sync' | 'reconcile' | 'rebuild-index' | 'adopt-content',
  body: Record<string, unknown>,
  onProgress: (p: ProgressLine) => void,
): Promise<T | undefined> {
  let res: Response;
  try {
    res = await fetch(`${baseUrl}/admin/${operation}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (err) {
    if (refused(err)) return undefined;
    throw new ChoirError('INTERNAL', `asking the service at ${baseUrl}: ${(err as Error).message}`, { cause: err });
  }
  if (res.status === 404) return undefined;
  if (res.status !== 200 || !res.body) {
    const text = await res.text();
    let error: { code?: string; message?: string } = {};
    try {
      error = (JSON.parse(text) as { error?: typeof error }).error ?? {};
    } catch {
      // not JSON: reported as is below
    }
    const code = error.code && isErrorCode(error.code) ? error.code : 'INTERNAL';
    throw new ChoirError(code, `the service answered ${res.status}: ${error.message ?? text.slice(0, 200)}`);
  }
  for await (const line of lines(res.body)) {
    if (!line.trim()) continue;
    const msg = JSON.parse(line) as { type: string; result?: T; code?: string; message?: string };
    if (msg.type === 'progress') onProgress(msg as unknown as ProgressLine);
    else if (msg.type === 'result') return msg.result as T;
    else if (msg.type === 'error') {
      const code = msg.code && isErrorCode(msg.code) ? msg.code : 'INTERNAL';
      throw new ChoirError(code, `the service failed: ${msg.message ?? 'no message'}`);
    }
  }
  throw new ChoirError('INTERNAL', `the service at ${baseUrl} ended the answer without a result`);
}
