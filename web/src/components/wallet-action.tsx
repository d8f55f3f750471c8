import { type ChoirError, frontendCategory, toClientError } from 'choir/client';
import { useCallback, useState } from 'react';

/**
 * A wallet-paid action's lifecycle as the page shows it: idle → busy (the SDK prepares the transaction, the wallet
 * signs it, the service sends it) → done (with the transaction signature) or failed (with the error, kept next to
 * the button that caused it rather than only in the page's banner).
 */
export type ActionState =
  | { phase: 'idle' }
  | { phase: 'busy' }
  | { phase: 'done'; signature: string }
  | { phase: 'failed'; error: ChoirError };

export function useWalletAction(): [ActionState, (run: () => Promise<string>) => Promise<void>, () => void] {
  const [state, setState] = useState<ActionState>({ phase: 'idle' });
  const start = useCallback(async (run: () => Promise<string>) => {
    setState({ phase: 'busy' });
    try {
      setState({ phase: 'done', signature: await run() });
    } catch (err) {
      setState({ phase: 'failed', error: toClientError(err) });
    }
  }, []);
  const reset = useCallback(() => setState({ phase: 'idle' }), []);
  return [state, start, reset];
}

/** The state next to its button: what is happening, the signature once sent, or why it failed. */
export function ActionStatus({ state, testId }: { state: ActionState; testId: string }) {
  switch (state.phase) {
    case 'idle':
      return null;
    case 'busy':
      return (
        <span className="muted" data-testid={testId} data-phase="busy">
          waiting for the wallet to sign, then sending…
        </span>
      );
    case 'done':
      return (
        <span className="pill good" data-testid={testId} data-phase="done" title={state.signature}>
          sent · {state.signature.slice(0, 8)}…
        </span>
      );
    case 'failed':
      return (
        <span
          className="error"
          data-testid={testId}
          data-phase="failed"
          data-category={frontendCategory(state.error)}
          data-code={state.error.code}
        >
          {state.error.code}: {state.error.message}
        </span>
      );
  }
}
