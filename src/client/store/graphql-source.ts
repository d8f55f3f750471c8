/** The thread store's reads over the API: typed operations from operations/store.graphql. */
import {
  StoreMessageDocument,
  StoreThreadEventCountDocument,
  StoreThreadEventsDocument,
  StoreThreadHeaderDocument,
  StoreThreadSnapshotDocument,
  type StoreThreadSnapshotQuery,
} from '../generated/graphql.js';
import type { HttpTransport } from '../http.js';
import type { WsTransport } from '../ws.js';
import type { ThreadSnapshot, ThreadSource } from './source.js';
import type { ServerMessage } from './types.js';

/** Messages per snapshot page: the API's default largest page (API_MAX_PAGE_SIZE). */
const PAGE = 100;

export function graphqlThreadSource(http: HttpTransport, ws: WsTransport): ThreadSource {
  return {
    snapshotLog: true,
    async eventCount(thread) {
      const { events } = await http.request(StoreThreadEventCountDocument, { address: thread });
      return events.totalCount;
    },
    async snapshot(thread) {
      const messages: ServerMessage[] = [];
      let after: string | null = null;
      let header: ThreadSnapshot['thread'] | null = null;
      let log: ThreadSnapshot['log'];
      for (;;) {
        const data: StoreThreadSnapshotQuery = await http.request(StoreThreadSnapshotDocument, {
          address: thread,
          first: PAGE,
          after,
        });
        if (!data.thread) return null;
        const { messages: page, lastEventCursor, eventCount, ...fields } = data.thread;
        // From the first page's statement: the later pages only add what was committed since (replayed anyway).
        log ??= { count: eventCount, cursor: lastEventCursor ?? null };
        header ??= fields;
        messages.push(...page.nodes);
        if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
        after = page.pageInfo.endCursor;
      }
      return { thread: header, messages, log };
    },
    async header(thread) {
      return (await http.request(StoreThreadHeaderDocument, { address: thread })).thread;
    },
    async message(address) {
      return (await http.request(StoreMessageDocument, { address })).message;
    },
    events(thread, after, handlers) {
      // Only a drop after the first connection counts: the first 'connecting' is not a disconnect.
      let connectedOnce = ws.state() === 'connected';
      const stopState = ws.onState((state) => {
        if (state === 'connected') connectedOnce = true;
        if (connectedOnce && state !== 'connecting') handlers.disconnected?.(state !== 'connected');
      });
      const stop = ws.subscribe(StoreThreadEventsDocument, () => ({ threadAddress: thread, after: after() }), {
        next: (data) => handlers.next(data.threadEvents),
        error: (err) => handlers.error(err),
        complete: () => handlers.complete(),
      });
      return () => {
        stopState();
        stop();
      };
    },
  };
}
