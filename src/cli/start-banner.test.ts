import { describe, expect, it } from 'vitest';
import { type BannerFacts, startBanner } from './start-banner.js';

const facts: BannerFacts = {
  apiUrl: 'http://127.0.0.1:4000',
  host: '127.0.0.1',
  postgres: { embedded: true, url: 'postgresql://choir:choir@127.0.0.1:54329/choir' },
  chain: {
    rpcUrl: 'http://127.0.0.1:8899',
    wsUrl: 'ws://127.0.0.1:8900',
    geyserUrl: 'http://127.0.0.1:10000',
    devnet: true,
  },
  vectors: 'embedded (hashing embedder, 384 dims)',
};

describe('startBanner', () => {
  it('prints every listener, the RPC WebSocket included, and that the default API is local only', () => {
    expect(startBanner(facts)).toBe(
      [
        'choir is up:',
        '  API        http://127.0.0.1:4000/graphql  (this machine only, HOST=127.0.0.1; health: /healthz /readyz /metrics)',
        '  Postgres   postgresql://choir:choir@127.0.0.1:54329/choir  (embedded, 127.0.0.1 only)',
        '  Solana RPC http://127.0.0.1:8899  WebSocket ws://127.0.0.1:8900  (local devnet)',
        '  Geyser     http://127.0.0.1:10000',
        '  Vectors    embedded (hashing embedder, 384 dims)',
        '',
      ].join('\n'),
    );
  });

  it('says when the API is open to other machines, and hides a configured database URL', () => {
    const text = startBanner({
      ...facts,
      host: '0.0.0.0',
      postgres: { embedded: false, url: 'postgresql://u:secret@db:5432/x' },
      chain: { rpcUrl: 'https://rpc.example', geyserUrl: 'https://geyser.example', devnet: false },
    });
    expect(text).toContain('(every interface, HOST=0.0.0.0: other machines can reach it;');
    expect(text).toContain('Postgres   (DATABASE_URL)');
    expect(text).not.toContain('secret');
    expect(text).toContain('  Solana RPC https://rpc.example\n');
  });
});
