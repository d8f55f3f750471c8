import { type ChoirClient, frontendCategory, type Signer, type ThreadStore, toClientError } from 'choir/client';
import { useCallback, useEffect, useState } from 'react';
import { EventsPanel } from './components/events-panel.js';
import { KeyPanel } from './components/key-panel.js';
import { SearchPanel } from './components/search-panel.js';
import { StatusBar } from './components/status-bar.js';
import { ThreadList } from './components/thread-list.js';
import { ThreadPanel } from './components/thread-panel.js';

/** The selected thread lives in the URL hash, so a reload (or a shared link) opens it again. */
const threadFromHash = () => (location.hash.startsWith('#thread=') ? location.hash.slice(8) : null);

export function App({ client }: { client: ChoirClient }) {
  const [signer, setSigner] = useState<Signer | null>(null);
  const [thread, setThread] = useState<string | null>(threadFromHash);
  const [store, setStore] = useState<ThreadStore | null>(null);
  const [error, setError] = useState<{ text: string; category: string } | null>(null);

  const onError = useCallback((err: unknown) => {
    const e = toClientError(err);
    setError({ text: `${e.code}: ${e.message}`, category: frontendCategory(e) });
  }, []);

  useEffect(() => {
    // A session stored before a reload is checked with the API (and dropped if it no longer holds).
    client.restoreSession().catch(onError);
  }, [client, onError]);

  useEffect(() => {
    if (!thread) return;
    let watched: ThreadStore;
    try {
      watched = client.watchThread(thread);
    } catch (err) {
      onError(err);
      return;
    }
    setStore(watched);
    return () => client.releaseThread(watched);
  }, [client, thread, onError]);

  const select = (address: string) => {
    location.hash = `thread=${address}`;
    setThread(address);
  };
  const chooseSigner = (s: Signer | null) => {
    client.setSigner(s);
    setSigner(s);
  };

  return (
    <div className="app">
      <StatusBar client={client} store={store} />
      {error && (
        <div className={`banner ${error.category.toLowerCase()}`} data-testid="error" data-category={error.category}>
          <strong>{error.category}</strong> {error.text}
          <button type="button" className="link" onClick={() => setError(null)}>
            dismiss
          </button>
        </div>
      )}
      <main className="columns">
        <aside>
          <KeyPanel client={client} signer={signer} onSigner={chooseSigner} onError={onError} />
          <ThreadList client={client} signer={signer} selected={thread} onSelect={select} onError={onError} />
        </aside>
        <div className="main">
          {store ? (
            <ThreadPanel client={client} store={store} signer={signer} onError={onError} />
          ) : (
            <section className="panel muted">Pick or create a thread.</section>
          )}
        </div>
        <aside>
          <SearchPanel client={client} thread={thread} onError={onError} />
          {store && <EventsPanel store={store} />}
        </aside>
      </main>
    </div>
  );
}
