/** Builds the relayer for the chain `choir start` talks to, funding the devnet's own key by airdrop. */
import { dirname, join } from 'node:path';
import { Keypair } from '@solana/web3.js';
import type { PipelineSettings } from '../config/sections/pipeline.js';
import { ChoirError } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import { Relayer } from './relayer.js';
import { devnetRelayerKeypair, parseRelayerKeypair } from './relayer-key.js';
import { createRpcClient, type RpcClient } from './rpc-client.js';

/** What a devnet airdrop tops the relayer up to: enough for ~200,000 transactions. */
const DEVNET_AIRDROP = 1_000_000_000_000n;

export interface RelayerChain {
  readonly rpcUrl: string;
  /** The local devnet's data dir (the key persists beside it), `null` for an in-memory devnet, absent off devnet. */
  readonly devnetDataDir?: string | null;
}

export interface OpenRelayerOptions {
  /** Wraps the RPC client the relayer uses (the stack times every call: choir_dependency_call_seconds). */
  readonly wrapRpc?: (rpc: RpcClient) => RpcClient;
}

export async function openRelayer(
  settings: PipelineSettings,
  chain: RelayerChain,
  logger: Logger,
  options: OpenRelayerOptions = {},
): Promise<Relayer> {
  const log = logger.child({ component: 'relayer' });
  const devnet = chain.devnetDataDir !== undefined;
  let keypair: Keypair;
  if (settings.relayerKeypair) keypair = parseRelayerKeypair(settings.relayerKeypair);
  else if (chain.devnetDataDir === null) keypair = Keypair.generate();
  else if (chain.devnetDataDir) keypair = devnetRelayerKeypair(join(dirname(chain.devnetDataDir), 'relayer.json'));
  else {
    throw new ChoirError(
      'CONFIG_INVALID',
      'RELAYER_KEYPAIR is unset: a real cluster needs a funded fee payer (example: RELAYER_KEYPAIR=/etc/choir/relayer.json)',
    );
  }
  const rpc = createRpcClient(chain.rpcUrl);
  const relayer = new Relayer({ rpc: options.wrapRpc?.(rpc) ?? rpc, keypair, logger: log });
  if (devnet) {
    const balance = await relayer.airdropIfBelow(settings.relayerMinBalance * 2n + 1n, DEVNET_AIRDROP);
    log.info({ address: relayer.publicKey.toBase58(), balance: balance.toString() }, 'relayer funded on the devnet');
  }
  return relayer;
}
