import { describe, expect, it } from 'vitest';
import { silentLogger } from '../observability/logger.js';
import { Lifecycle } from './lifecycle.js';

describe('Lifecycle', () => {
  it('closes parts in reverse order of registration, once, even if one fails', async () => {
    const lifecycle = new Lifecycle(silentLogger);
    const order: string[] = [];
    lifecycle.onClose('database', async () => {
      order.push('database');
    });
    lifecycle.onClose('vector-store', async () => {
      order.push('vector-store');
      throw new Error('already gone');
    });
    lifecycle.onClose('http', async () => {
      order.push('http');
    });
    await Promise.all([lifecycle.close(), lifecycle.close()]);
    await lifecycle.close();
    expect(order).toEqual(['http', 'vector-store', 'database']);
  });

  it('closes a part that registers after shutdown began (a signal during start-up)', async () => {
    const lifecycle = new Lifecycle(silentLogger);
    const closed: string[] = [];
    lifecycle.onClose('database', async () => {
      closed.push('database');
    });
    const closing = lifecycle.close();
    expect(lifecycle.stopRequested).toBe(true);
    lifecycle.onClose('devnet', async () => {
      closed.push('devnet');
    });
    await closing;
    await lifecycle.close();
    expect(closed.sort()).toEqual(['database', 'devnet']);
  });
});
