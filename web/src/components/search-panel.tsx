import type { ChoirClient, SearchQuery } from 'choir/client';
import { type FormEvent, useState } from 'react';

/** Search by meaning; each hit says whether its hash is on chain, and the result whether it fell back to text. */
export function SearchPanel({
  client,
  thread,
  onError,
}: {
  client: ChoirClient;
  thread: string | null;
  onError(error: unknown): void;
}) {
  const [query, setQuery] = useState('');
  const [result, setResult] = useState<SearchQuery['search'] | null>(null);
  const [onlyThread, setOnlyThread] = useState(true);
  const run = async (event: FormEvent) => {
    event.preventDefault();
    try {
      setResult(await client.search(query, { first: 10, ...(onlyThread && thread ? { threadAddress: thread } : {}) }));
    } catch (err) {
      onError(err);
    }
  };
  return (
    <section className="panel" data-testid="search">
      <h2>Search</h2>
      <form onSubmit={run} className="stack">
        <input
          placeholder="search messages"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="search-input"
        />
        <label className="muted">
          <input type="checkbox" checked={onlyThread} onChange={(e) => setOnlyThread(e.target.checked)} /> this thread
          only
        </label>
      </form>
      {result && (
        <>
          {result.degraded && (
            <p className="pill warn" data-testid="degraded">
              degraded: the vector store did not answer; these are text matches from Postgres
            </p>
          )}
          <ol className="hits" data-testid="hits">
            {result.hits.map((h) => (
              <li key={h.message.address}>
                <span className={`pill ${h.onChainVerified ? 'good' : 'warn'}`} data-testid="verified">
                  {h.onChainVerified ? 'on-chain verified' : 'not verified on chain'}
                </span>{' '}
                <span className="muted">{h.score.toFixed(3)}</span> {h.message.content}
              </li>
            ))}
            {result.hits.length === 0 && <li className="muted">No hits.</li>}
          </ol>
        </>
      )}
    </section>
  );
}
