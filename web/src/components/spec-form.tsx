import type { ChoirClient, Signer } from 'choir/client';
import { type FormEvent, useState } from 'react';
import { ActionStatus, useWalletAction } from './wallet-action.js';

/**
 * Proposes a spec: content plus a stake in lamports, paid from the signing wallet (prepare → the wallet signs the
 * transaction → send). Anyone who is not a co-author may propose one (co-authors post messages directly); the
 * co-authors vote on it, and an approved author joins them. The stake starts at the thread's minimum.
 */
export function SpecForm({
  client,
  thread,
  minStake,
  signer,
}: {
  client: ChoirClient;
  thread: string;
  minStake: string;
  signer: Signer | null;
}) {
  const [content, setContent] = useState('');
  const [stake, setStake] = useState(minStake);
  const [state, run, reset] = useWalletAction();
  const valid = /^\d+$/.test(stake.trim()) && BigInt(stake.trim()) >= BigInt(minStake) && content.trim() !== '';
  const canPay = !!signer?.signTransaction;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = content;
    void run(async () => {
      const signature = await client.submitSpec(thread, text, BigInt(stake.trim()));
      setContent('');
      return signature;
    });
  };
  return (
    <form onSubmit={submit} className="stack spec-form" data-testid="spec-form">
      <strong>Propose a spec to join this thread</strong>
      <input
        placeholder="what the spec proposes"
        value={content}
        onChange={(e) => {
          setContent(e.target.value);
          if (state.phase !== 'busy') reset();
        }}
        data-testid="spec-content"
      />
      <div className="row">
        <label className="grow">
          stake (lamports, at least {minStake}){' '}
          <input
            inputMode="numeric"
            value={stake}
            onChange={(e) => setStake(e.target.value)}
            data-testid="spec-stake"
            size={14}
          />
        </label>
        <button type="submit" disabled={!canPay || !valid || state.phase === 'busy'} data-testid="submit-spec">
          {state.phase === 'busy' ? 'Submitting…' : 'Submit spec (wallet pays)'}
        </button>
      </div>
      {!canPay && (
        <span className="muted">{signer ? 'This key cannot sign transactions.' : 'Pick a key to pay for a spec.'}</span>
      )}
      <ActionStatus state={state} testId="spec-status" />
    </form>
  );
}
