import type { ChoirClient, Signer, ThreadsQuery } from 'choir/client';
import { type FormEvent, useCallback, useEffect, useState } from 'react';

type ThreadNode = ThreadsQuery['threads']['edges'][number]['node'];

/** Threads to pick from, and a form to create one (relayed: the creator signs, the service pays). */
export function ThreadList({
  client,
  signer,
  selected,
  onSelect,
  onError,
}: {
  client: ChoirClient;
  signer: Signer | null;
  selected: string | null;
  onSelect(address: string): void;
  onError(error: unknown): void;
}) {
  const [threads, setThreads] = useState<ThreadNode[]>([]);
  const [title, setTitle] = useState('');
  const [coAuthors, setCoAuthors] = useState('');
  const [busy, setBusy] = useState(false);
  const load = useCallback(
    () =>
      client.threads({ first: 30 }).then(
        (page) => setThreads(page.edges.map((e) => e.node)),
        (err: unknown) => onError(err),
      ),
    [client, onError],
  );
  useEffect(() => {
    void load();
    const timer = setInterval(load, 5_000);
    return () => clearInterval(timer);
  }, [load]);
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const others = coAuthors
        .split(/[\s,]+/)
        .map((k) => k.trim())
        .filter(Boolean);
      const created = await client.createThread({ title: title.trim() || undefined, coAuthors: others });
      setTitle('');
      setCoAuthors('');
      onSelect(created.address);
      void load();
    } catch (err) {
      onError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel" data-testid="threads">
      <h2>Threads</h2>
      <ul className="threads">
        {threads.map((t) => (
          <li key={t.address}>
            <button
              type="button"
              className={t.address === selected ? 'link selected' : 'link'}
              onClick={() => onSelect(t.address)}
            >
              {t.title ?? `${t.address.slice(0, 8)}…`} <span className="muted">({t.messageCount})</span>
            </button>
          </li>
        ))}
        {threads.length === 0 && <li className="muted">No threads yet.</li>}
      </ul>
      <form onSubmit={create} className="stack">
        <input placeholder="title" value={title} onChange={(e) => setTitle(e.target.value)} data-testid="new-title" />
        <input
          placeholder="other co-authors (base58, comma separated)"
          value={coAuthors}
          onChange={(e) => setCoAuthors(e.target.value)}
        />
        <button type="submit" disabled={!signer || busy} data-testid="create-thread">
          {busy ? 'Creating…' : 'Create thread'}
        </button>
      </form>
    </section>
  );
}
