/**
 * The payload fields every backend indexes. `thread_id` is the tenant key: Qdrant's multitenancy guidance is one
 * collection with a tenant-marked keyword index (it co-locates each tenant's points and builds per-tenant HNSW
 * links) rather than one collection per tenant, which multiplies segments, memory and open files per thread.
 * `message_address` is the message id: selecting one message (and finding points that lack it, the old identity)
 * goes through its index.
 */
export const PAYLOAD_INDEXES = [
  { field: 'thread_id', type: 'keyword', tenant: true },
  { field: 'author', type: 'keyword', tenant: false },
  { field: 'co_authors', type: 'keyword', tenant: false },
  { field: 'status', type: 'keyword', tenant: false },
  { field: 'kind', type: 'keyword', tenant: false },
  { field: 'message_address', type: 'keyword', tenant: false },
  { field: 'content_hash', type: 'keyword', tenant: false },
  { field: 'created_at', type: 'integer', tenant: false },
] as const;
