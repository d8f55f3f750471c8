import { describe, expect, it } from 'vitest';
import { ChoirError } from '../errors/index.js';
import { failureReport } from './failure-report.js';

describe('failureReport', () => {
  it('prints one line with the code; usage, setting and already-running errors exit 2', () => {
    for (const code of ['CONFIG_INVALID', 'BAD_USER_INPUT', 'ALREADY_RUNNING'] as const) {
      expect(failureReport('start', new ChoirError(code, 'fix this'), {})).toEqual({
        text: `choir start: ${code}: fix this\n`,
        exitCode: 2,
      });
    }
    expect(failureReport('migrate', new ChoirError('DATABASE_UNAVAILABLE', 'down'), {})).toEqual({
      text: 'choir migrate: DATABASE_UNAVAILABLE: down\n',
      exitCode: 1,
    });
  });

  it('names the address behind an unnamed network failure, with no stack trace', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8899'), {
      code: 'ECONNREFUSED',
      address: '127.0.0.1',
      port: 8899,
    });
    const report = failureReport('sync', new TypeError('fetch failed', { cause: refused }), {});
    expect(report.exitCode).toBe(1);
    expect(report.text).toBe(
      'choir sync: INTERNAL: could not connect to 127.0.0.1:8899 (connection refused): is the service it needs running? (fetch failed)\n(LOG_LEVEL=debug prints the stack trace)\n',
    );
  });

  it('prints the stack of an unexpected error only with LOG_LEVEL=debug or trace', () => {
    const bug = new Error('undefined is not a function');
    expect(failureReport('env', bug, {}).text).not.toContain('    at ');
    expect(failureReport('env', bug, { LOG_LEVEL: 'debug' }).text).toContain(bug.stack as string);
    expect(failureReport('env', bug, { LOG_LEVEL: 'trace' }).text).toContain(bug.stack as string);
  });
});
