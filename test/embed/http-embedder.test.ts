import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { embeddingsEndpoint, HttpEmbedder, type HttpEmbedderOptions } from '../../src/embed/http-embedder.js';
import { isChoirError } from '../../src/errors/index.js';
import { silentLogger } from '../../src/observability/logger.js';
import { runEmbedderContract } from './embedder.contract.js';
import { EmbeddingsDouble } from './embeddings-double.js';

const options = (url: string, overrides: Partial<HttpEmbedderOptions> = {}): HttpEmbedderOptions => ({
  url,
  apiKey: 'sk-test',
  model: 'test-embedding',
  dimension: 32,
  batchSize: 3,
  timeoutMs: 1_000,
  retryAttempts: 4,
  maxContentBytes: 2_048,
  baseDelayMs: 1,
  maxDelayMs: 5,
  ...overrides,
});

const contractDouble = new EmbeddingsDouble(32, 'sk-test');
let contractUrl = '';
beforeAll(async () => {
  contractUrl = await contractDouble.start();
});
afterAll(() => contractDouble.stop());

runEmbedderContract(
  'http (OpenAI-compatible double)',
  async () => new HttpEmbedder(options(contractUrl), silentLogger),
  {
    maxContentBytes: 2_048,
    similarTextsAreCloser: true,
  },
);

describe('HttpEmbedder', () => {
  let double: EmbeddingsDouble;
  let url: string;
  beforeEach(async () => {
    double = new EmbeddingsDouble(32, 'sk-test');
    url = await double.start();
  });
  afterEach(() => double.stop());

  it('sends batches of the configured size with the model and bearer token', async () => {
    const embedder = new HttpEmbedder(options(url), silentLogger);
    const vectors = await embedder.embed(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(vectors).toHaveLength(7);
    expect(double.requests.map((r) => (r.body.input as string[]).length)).toEqual([3, 3, 1]);
    expect(double.requests[0]).toMatchObject({
      authorization: 'Bearer sk-test',
      body: { model: 'test-embedding', encoding_format: 'float' },
    });
    expect(embedder.modelId).toBe('http:test-embedding:d32');
  });

  it('retries 5xx, 429 and dropped connections, then succeeds', async () => {
    double.failures.push(503, 429, 'drop');
    const [v] = await new HttpEmbedder(options(url), silentLogger).embed(['retry me']);
    expect(v).toHaveLength(32);
    expect(double.requests).toHaveLength(4);
  });

  it('does not retry a 4xx, and reports EMBEDDING_FAILED', async () => {
    const err = await new HttpEmbedder(options(url, { apiKey: 'wrong' }), silentLogger).embed(['x']).catch((e) => e);
    expect(isChoirError(err, 'EMBEDDING_FAILED')).toBe(true);
    expect((err as Error).message).toContain('401');
    expect(double.requests).toHaveLength(1);
  });

  it('gives up after the configured attempts', async () => {
    double.failures.push(500, 500, 500, 500, 500);
    const err = await new HttpEmbedder(options(url, { retryAttempts: 3 }), silentLogger).embed(['x']).catch((e) => e);
    expect(isChoirError(err, 'EMBEDDING_FAILED')).toBe(true);
    expect(double.requests).toHaveLength(3);
  });

  it('rejects vectors of the wrong dimension with advice, and malformed vectors', async () => {
    double.answer = () => new Array(16).fill(0.25);
    const wrongDim = await new HttpEmbedder(options(url), silentLogger).embed(['x']).catch((e) => e);
    expect(isChoirError(wrongDim, 'EMBEDDING_INVALID')).toBe(true);
    expect((wrongDim as Error).message).toMatch(/EMBED_DIM=16.*choir rebuild-index/);
    double.answer = () => [...new Array(31).fill(0.1), null];
    const malformed = await new HttpEmbedder(options(url), silentLogger).embed(['x']).catch((e) => e);
    expect(isChoirError(malformed, 'EMBEDDING_FAILED')).toBe(true);
    double.answer = () => new Array(32).fill(0);
    const zero = await new HttpEmbedder(options(url), silentLogger).embed(['x']).catch((e) => e);
    expect(isChoirError(zero, 'EMBEDDING_INVALID')).toBe(true);
  });

  it('times out a hanging endpoint and retries', async () => {
    // A server that accepts requests and never answers.
    const { createServer } = await import('node:http');
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const started = Date.now();
    const embedder = new HttpEmbedder(
      options(`http://127.0.0.1:${port}`, { timeoutMs: 100, retryAttempts: 2 }),
      silentLogger,
    );
    const err = await embedder.embed(['x']).catch((e) => e);
    expect(isChoirError(err, 'EMBEDDING_FAILED')).toBe(true);
    expect((err as Error).message).toContain('timed out');
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    silent.closeAllConnections();
    silent.close();
  });

  it('finds the endpoint under a base URL, a /v1 URL or the full URL', () => {
    expect(embeddingsEndpoint('http://h:1')).toBe('http://h:1/v1/embeddings');
    expect(embeddingsEndpoint('http://h:1/v1/')).toBe('http://h:1/v1/embeddings');
    expect(embeddingsEndpoint('http://h:1/openai/v1/embeddings')).toBe('http://h:1/openai/v1/embeddings');
  });
});
