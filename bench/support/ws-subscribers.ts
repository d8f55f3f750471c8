// A load-generating worker for bench/subscriptions.ts, forked with an IPC channel: opens graphql-ws connections
// (the graphql-transport-ws protocol over plain `ws`, no client library per subscription), subscribes many times
// per connection, and records when each `next` arrives, keyed by the event's message address or sequence.
// Commands arrive as IPC messages; every reply carries the command's `id`.
import WebSocket from 'ws';

interface Subscribe {
  cmd: 'subscribe';
  id: number;
  url: string;
  connections: number;
  perConnection: number;
  query: string;
  variables: Record<string, unknown>;
}
interface Collect {
  cmd: 'collect';
  id: number;
  key: string;
}
interface Close {
  cmd: 'close';
  id: number;
}
type Command = Subscribe | Collect | Close;

const now = () => performance.timeOrigin + performance.now();
/** Arrival times by key (message address, else sequence). */
const arrivals = new Map<string, number[]>();
const sockets: WebSocket[] = [];
let errors = 0;
let firstSeen = 0;

function reply(message: Record<string, unknown>) {
  process.send?.(message);
}

function open(url: string, perConnection: number, query: string, variables: Record<string, unknown>) {
  return new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(url, 'graphql-transport-ws');
    sockets.push(ws);
    const seen = new Set<string>();
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    ws.on('error', reject);
    ws.on('message', (raw) => {
      const at = now();
      const msg = JSON.parse(raw.toString()) as {
        type: string;
        id?: string;
        payload?: { data?: Record<string, { sequence?: string; messageAddress?: string }>; errors?: unknown[] };
      };
      if (msg.type === 'connection_ack') {
        for (let i = 0; i < perConnection; i++) {
          ws.send(JSON.stringify({ id: String(i), type: 'subscribe', payload: { query, variables } }));
        }
        resolve();
        return;
      }
      if (msg.type === 'ping') ws.send(JSON.stringify({ type: 'pong' }));
      if (msg.type === 'error' || msg.payload?.errors) errors++;
      if (msg.type !== 'next' || !msg.payload?.data) return;
      const event = Object.values(msg.payload.data)[0];
      if (msg.id !== undefined && !seen.has(msg.id)) {
        seen.add(msg.id);
        firstSeen++;
      }
      const key = event?.messageAddress ?? event?.sequence;
      if (key === undefined) return;
      const list = arrivals.get(key);
      if (list) list.push(at);
      else arrivals.set(key, [at]);
    });
  });
}

process.on('message', async (command: Command) => {
  if (command.cmd === 'subscribe') {
    for (let c = 0; c < command.connections; c++) {
      await open(command.url, command.perConnection, command.query, command.variables);
    }
    // Ready once every subscription has delivered its first event (the replayed marker): its live listener is then
    // registered on the server (replay-then-live registers it before replaying).
    const total = command.connections * command.perConnection;
    const deadline = Date.now() + 120_000;
    while (firstSeen < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    reply({ id: command.id, subscribed: firstSeen, errors });
  } else if (command.cmd === 'collect') {
    reply({ id: command.id, times: arrivals.get(command.key) ?? [], errors });
  } else if (command.cmd === 'close') {
    for (const ws of sockets.splice(0)) ws.close();
    arrivals.clear();
    firstSeen = 0;
    reply({ id: command.id, closed: true });
  }
});
reply({ ready: true });
