import type { ThreadStore } from 'choir/client';
import { useThreadView } from '../hooks.js';

/** The thread's events as they arrive (newest first). */
export function EventsPanel({ store }: { store: ThreadStore }) {
  const view = useThreadView(store);
  return (
    <section className="panel" data-testid="events">
      <h2>Live events</h2>
      <p className="muted">
        sequence {view.threadSequence} · {view.reconnects} reconnects · {view.reloads} reloads
        {view.error && <> · last issue: {view.error.message}</>}
      </p>
      <ol className="events">
        {[...view.recentEvents].reverse().map((e) => (
          <li key={e.cursor}>
            <code>#{e.threadSequence}</code> {e.__typename}
            {'messageAddress' in e && typeof e.messageAddress === 'string' ? ` ${e.messageAddress.slice(0, 6)}…` : ''}
          </li>
        ))}
      </ol>
    </section>
  );
}
