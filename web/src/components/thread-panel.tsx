import type { ChoirClient, MessageEntry, Signer, ThreadStore } from 'choir/client';
import { type FormEvent, useState } from 'react';
import { useThreadView } from '../hooks.js';

const BADGE: Record<MessageEntry['status'], string> = {
  PENDING: 'pending',
  STORED: 'stored',
  RECORDED: 'recorded',
  CONFIRMED: 'confirmed',
  FINALIZED: 'finalized',
  ROLLED_BACK: 'rolled back',
};

const short = (key: string) => `${key.slice(0, 4)}…${key.slice(-4)}`;

function MessageItem({
  m,
  canVote,
  onVote,
  onDismiss,
}: {
  m: MessageEntry;
  canVote: boolean;
  onVote(approve: boolean): void;
  onDismiss(): void;
}) {
  return (
    <li
      className={`message ${m.local ? 'optimistic' : ''}`}
      data-testid="message"
      data-address={m.address}
      data-status={m.status}
    >
      <div className="meta">
        <span className={`badge ${m.status.toLowerCase()}`} data-testid="badge">
          {BADGE[m.status]}
        </span>
        {m.kind === 'SPEC' && <span className="badge spec">spec · {m.chainStatus?.toLowerCase() ?? '…'}</span>}
        <span className="muted" title={m.author}>
          {short(m.author)}
        </span>
        {m.local === 'sending' && <span className="muted">sending…</span>}
      </div>
      <div className="content">{m.content ?? <em className="muted">content not held by this service</em>}</div>
      {m.status === 'ROLLED_BACK' && (
        <div className="error">
          rolled back: {m.reason}
          {m.local === 'rejected' && (
            <button type="button" className="link" onClick={onDismiss}>
              dismiss
            </button>
          )}
        </div>
      )}
      {m.kind === 'SPEC' && (
        <div className="row">
          <span className="muted">
            {m.approvals} approve · {m.denials} deny · stake {m.stake}
          </span>
          {canVote && m.chainStatus === 'PENDING' && (
            <>
              <button type="button" onClick={() => onVote(true)}>
                Approve
              </button>
              <button type="button" onClick={() => onVote(false)}>
                Deny
              </button>
            </>
          )}
        </div>
      )}
    </li>
  );
}

/** One thread, live: co-authors, balance, messages with their on-chain status, votes, and a composer. */
export function ThreadPanel({
  client,
  store,
  signer,
  onError,
}: {
  client: ChoirClient;
  store: ThreadStore;
  signer: Signer | null;
  onError(error: unknown): void;
}) {
  const view = useThreadView(store);
  const [text, setText] = useState('');
  const t = view.thread;
  const coAuthor = !!signer && !!t?.coAuthors.includes(signer.publicKey);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const content = text;
    setText('');
    // The store shows it at once; errors roll it back in place (and are shown).
    client.submitMessage(view.address, content).catch(onError);
  };
  const vote = (address: string, approve: boolean) => client.vote(address, approve).catch(onError);
  return (
    <section className="panel thread" data-testid="thread">
      <h2>{t?.title ?? (view.phase === 'missing' ? 'Thread not indexed yet…' : 'Loading…')}</h2>
      <p className="muted">
        <code>{view.address}</code>
        {t && (
          <>
            {' '}
            · balance {t.balance} lamports · {t.messageCount} messages · {t.specCount} specs ·{' '}
            {t.commitment.toLowerCase()}
          </>
        )}
      </p>
      {t && (
        <p data-testid="co-authors">
          co-authors:{' '}
          {t.coAuthors.map((k, i) => (
            <code key={k} title={k} className={k === signer?.publicKey ? 'me' : ''}>
              {i === 0 ? 'creator ' : ''}
              {short(k)}
            </code>
          ))}
        </p>
      )}
      <ol className="messages">
        {view.messages.map((m) => (
          <MessageItem
            key={m.address}
            m={m}
            canVote={coAuthor}
            onVote={(approve) => vote(m.address, approve)}
            onDismiss={() => store.dismiss(m.address)}
          />
        ))}
        {view.messages.length === 0 && <li className="muted">No messages yet.</li>}
      </ol>
      <form onSubmit={submit} className="row">
        <input
          className="grow"
          placeholder={coAuthor ? 'Write a message' : 'Only co-authors post messages'}
          value={text}
          onChange={(e) => setText(e.target.value)}
          data-testid="compose"
        />
        <button type="submit" disabled={!signer || text.trim() === ''} data-testid="send">
          Send
        </button>
      </form>
    </section>
  );
}
