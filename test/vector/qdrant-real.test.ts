import { randomUUID } from 'node:crypto';
import { QdrantClient } from '@qdrant/js-client-rest';
import { describe } from 'vitest';
import { silentLogger } from '../../src/observability/logger.js';
import { QdrantVectorStore } from '../../src/vector/qdrant/qdrant-store.js';
import { runVectorStoreContract } from './vector-store.contract.js';

const url = process.env.QDRANT_URL;
if (!url) {
  console.info(
    '[qdrant-real] skipped: set QDRANT_URL (and QDRANT_API_KEY if needed) to run the contract against a real Qdrant',
  );
}

describe.skipIf(!url)('real Qdrant at QDRANT_URL', () => {
  runVectorStoreContract(`real Qdrant (${url})`, async () => {
    // A fresh alias per test, so tests neither see each other's points nor need an empty server.
    const collection = `choir_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const apiKey = process.env.QDRANT_API_KEY;
    return {
      async open({ dimension, model }) {
        return new QdrantVectorStore(
          {
            url: url!,
            ...(apiKey ? { apiKey } : {}),
            timeoutMs: 10_000,
            collection,
            dimension,
            model,
            maxContentBytes: 65_536,
            upsertBatchSize: 64,
            retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 },
          },
          silentLogger,
        );
      },
      async dispose() {
        const client = new QdrantClient({ url: url!, ...(apiKey ? { apiKey } : {}), checkCompatibility: false });
        const { aliases } = await client.getAliases();
        for (const a of aliases.filter((a) => a.alias_name === collection)) {
          await client.updateCollectionAliases({ actions: [{ delete_alias: { alias_name: a.alias_name } }] });
        }
        const { collections } = await client.getCollections();
        for (const c of collections.filter((c) => c.name.startsWith(collection))) await client.deleteCollection(c.name);
      },
    };
  });
});
