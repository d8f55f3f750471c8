import type { ChoirClient, ThreadStore } from 'choir/client';
import { useCallback } from 'react';
import { usePoll, useThreadView } from '../hooks.js';

/** The open thread's live stream: live, reconnecting, reloading… */
function Phase({ store }: { store: ThreadStore }) {
  const { phase } = useThreadView(store);
  return (
    <span className={`pill ${phase === 'live' ? 'good' : 'warn'}`} data-testid="phase">
      {phase}
    </span>
  );
}

/** The service's health and the indexer's lag, polled; and the live stream's phase of the open thread. */
export function StatusBar({ client, store }: { client: ChoirClient; store: ThreadStore | null }) {
  const health = usePoll(
    useCallback(() => client.health(), [client]),
    5_000,
  );
  const indexer = usePoll(
    useCallback(() => client.indexerStatus(), [client]),
    2_000,
  );
  const ready = health.value?.ready;
  return (
    <header className="status-bar">
      <strong className="brand">choir</strong>
      <span className={`pill ${health.error ? 'bad' : ready ? 'good' : 'warn'}`} data-testid="health">
        {health.error ? 'API unreachable' : ready === undefined ? 'health…' : ready ? 'healthy' : 'degraded'}
      </span>
      {health.value && !health.value.ready && (
        <span className="muted">
          {health.value.dependencies
            .filter((d) => !d.ready)
            .map((d) => `${d.name}: ${d.error ?? 'not ready'}`)
            .join(' · ')}
        </span>
      )}
      <span className="pill" data-testid="indexer-lag">
        {indexer.value
          ? `indexer ${indexer.value.state}, lag ${indexer.value.lagSlots} slots`
          : indexer.error
            ? 'indexer: unknown'
            : 'indexer…'}
      </span>
      {store && <Phase store={store} />}
      <a className="right" href="/graphql">
        GraphiQL
      </a>
    </header>
  );
}
