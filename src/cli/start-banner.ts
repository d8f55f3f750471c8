/**
 * What `choir start` prints once it is up: where each part really listens, so a person can copy the URLs. The API
 * line says whether other machines can reach it (HOST), since the default keeps it to this one.
 */
export interface BannerFacts {
  /** The API's base URL as bound (a wildcard host already shown as 127.0.0.1). */
  readonly apiUrl: string;
  /** HOST as configured. */
  readonly host: string;
  readonly postgres: { readonly embedded: boolean; readonly url: string };
  readonly chain: {
    readonly rpcUrl: string;
    readonly wsUrl?: string;
    readonly geyserUrl: string;
    readonly devnet: boolean;
  };
  readonly vectors: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const EVERY_INTERFACE = new Set(['0.0.0.0', '::', '[::]', '']);

function reach(host: string): string {
  if (LOOPBACK.has(host)) return `this machine only, HOST=${host}`;
  if (EVERY_INTERFACE.has(host)) return `every interface, HOST=${host}: other machines can reach it`;
  return `HOST=${host}`;
}

export function startBanner(f: BannerFacts): string {
  const rpc = [`Solana RPC ${f.chain.rpcUrl}`];
  if (f.chain.wsUrl) rpc.push(`WebSocket ${f.chain.wsUrl}`);
  if (f.chain.devnet) rpc.push('(local devnet)');
  const lines = [
    `API        ${f.apiUrl}/graphql  (${reach(f.host)}; health: /healthz /readyz /metrics)`,
    `Postgres   ${f.postgres.embedded ? `${f.postgres.url}  (embedded, 127.0.0.1 only)` : '(DATABASE_URL)'}`,
    rpc.join('  '),
    `Geyser     ${f.chain.geyserUrl}`,
    `Vectors    ${f.vectors}`,
  ];
  return `choir is up:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}
