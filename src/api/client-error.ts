/**
 * Requests Node's HTTP parser refuses before any route sees them — a request line or headers past its 16 KB (a long
 * GraphQL document in a GET query string), malformed HTTP, a request that took too long to arrive — get the API's
 * JSON error shape instead of Node's empty 431/400/408, so a client can read what went wrong and what to do.
 */
import type { Duplex } from 'node:stream';
import { ChoirError } from '../errors/index.js';
import { taxonomyExtensions } from './graphql/format-error.js';

function refusal(code: string | undefined): [status: number, reason: string, error: ChoirError] {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return [
      431,
      'Request Header Fields Too Large',
      new ChoirError(
        'BAD_REQUEST',
        'the request line and headers are larger than allowed (16 KB): send a long GraphQL document in a POST body',
      ),
    ];
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return [408, 'Request Timeout', new ChoirError('BAD_REQUEST', 'the request did not arrive in time')];
  }
  return [400, 'Bad Request', new ChoirError('BAD_REQUEST', 'the request is not valid HTTP')];
}

/** A `clientError` listener for the API's http.Server. */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  // A reset or half-closed connection cannot be answered.
  if (!socket.writable || err.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, reason, error] = refusal(err.code);
  const body = JSON.stringify({ errors: [{ message: error.message, extensions: taxonomyExtensions(error) }] });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
