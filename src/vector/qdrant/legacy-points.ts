import type { QdrantClient, Schemas } from '@qdrant/js-client-rest';

/**
 * Message points written before message addresses: their id derives from the content hash and their payload has no
 * `message_address`. Qdrant cannot change a point's id in place, so they stay until `choir rebuild-index` re-embeds
 * every message into a new collection under its address-derived id and swaps the alias. Until then the same content
 * posted in two threads shares one such point, which is what the warning tells the operator.
 */
export const LEGACY_POINTS_FILTER: Schemas['Filter'] = {
  must: [{ key: 'kind', match: { value: 'message' } }, { is_empty: { key: 'message_address' } }],
};

export const LEGACY_POINTS_WARNING =
  'vector store holds points keyed by the old content-hash identity; run `choir rebuild-index` to re-key them ' +
  '(until then, the same content in two threads shares one point)';

/** How many such points a physical collection holds (exact: the figure is reported, and the filter is indexed). */
export async function countLegacyPoints(client: QdrantClient, physicalName: string): Promise<number> {
  const { count } = await client.count(physicalName, { exact: true, filter: LEGACY_POINTS_FILTER });
  return count;
}
