import type { ChoirClient, MessageEntry, Signer, ThreadStore } from 'choir/client';
import { type FormEvent, useState } from 'react';
import { useNow, useThreadView } from '../hooks.js';
import { SpecForm } from './spec-form.js';
import { ActionStatus, useWalletAction } from './wallet-action.js';

const BADGE: Record<MessageEntry['status'], string> = {
  PENDING: 'pending',
  STORED: 'stored',
  RECORDED: 'recorded',
  CONFIRMED: 'confirmed',
  FINALIZED: 'finalized',
  ROLLED_BACK: 'rolled back',
};

const short = (key: string) => `${key.slice(0, 4)}…${key.slice(-4)}`;

/** Ends an expired spec (anyone may; the signing wallet pays the fee, the stake becomes the co-authors' income). */
function ExpireButton({ client, m, signer }: { client: ChoirClient; m: MessageEntry; signer: Signer | null }) {
  const [state, run] = useWalletAction();
  return (
    <>
      <button
        type="button"
        disabled={!signer?.signTransaction || state.phase === 'busy' || state.phase === 'done'}
        title={signer?.signTransaction ? 'The signing wallet pays the fee' : 'Pick a key that signs transactions'}
        onClick={() => run(() => client.expireSpec(m.address))}
        data-testid="expire-spec"
      >
        {state.phase === 'busy' ? 'Expiring…' : 'Expire (wallet pays)'}
      </button>
      <ActionStatus state={state} testId="expire-status" />
    </>
  );
}

function MessageItem({
  client,
  m,
  signer,
  canVote,
  now,
  onVote,
  onDismiss,
}: {
  client: ChoirClient;
  m: MessageEntry;
  signer: Signer | null;
  canVote: boolean;
  now: number;
  onVote(approve: boolean): void;
  onDismiss(): void;
}) {
  // A little after expiresAt: the program compares with the chain's clock, which moves with its slots.
  const expired =
    m.kind === 'SPEC' && m.chainStatus === 'PENDING' && !!m.expiresAt && Date.parse(m.expiresAt) + 2_000 <= now;
  return (
    <li
      className={`message ${m.local ? 'optimistic' : ''}`}
      data-testid="message"
      data-address={m.address}
      data-status={m.status}
      data-kind={m.kind}
      data-author={m.author}
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
          {expired && <ExpireButton client={client} m={m} signer={signer} />}
          {canVote && m.chainStatus === 'PENDING' && !expired && (
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
  const now = useNow(5_000);
  const [text, setText] = useState('');
  const [divest, runDivest] = useWalletAction();
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
          {coAuthor && (
            <>
              {' '}
              <button
                type="button"
                disabled={!signer?.signTransaction || divest.phase === 'busy'}
                title="Withdraw your share of the thread's balance (your wallet signs and pays the fee)"
                onClick={() => runDivest(() => client.divest(view.address))}
                data-testid="divest"
              >
                {divest.phase === 'busy' ? 'Divesting…' : 'Divest my share'}
              </button>{' '}
              <ActionStatus state={divest} testId="divest-status" />
            </>
          )}
        </p>
      )}
      <ol className="messages">
        {view.messages.map((m) => (
          <MessageItem
            key={m.address}
            client={client}
            m={m}
            signer={signer}
            now={now}
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
      {/* Co-authors post directly; anyone else proposes a spec (with a stake) to join. */}
      {t && !coAuthor && <SpecForm client={client} thread={view.address} minStake={t.minStake} signer={signer} />}
    </section>
  );
}
