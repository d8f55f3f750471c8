import { ChoirError, withRetry } from '../errors/index.js';
import type { Logger } from '../observability/logger.js';
import { checkEmbeddings, checkTexts } from './checks.js';
import type { Embedder } from './types.js';

export interface HttpEmbedderOptions {
  /** Base URL; `/v1/embeddings` is appended unless the URL already ends with `/v1` or `/embeddings`. */
  url: string;
  apiKey?: string;
  model: string;
  dimension: number;
  batchSize: number;
  timeoutMs: number;
  retryAttempts: number;
  maxContentBytes: number;
  /** Backoff bounds; tests shorten them. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

interface EmbeddingsResponse {
  data?: Array<{ embedding?: unknown; index?: unknown }>;
}

/** An HTTP status that may succeed when repeated: overload, rate limit, gateway trouble. */
class TransientHttpError extends Error {}

export function embeddingsEndpoint(base: string): string {
  const trimmed = base.replace(/\/+$/, '');
  if (trimmed.endsWith('/embeddings')) return trimmed;
  if (trimmed.endsWith('/v1')) return `${trimmed}/embeddings`;
  return `${trimmed}/v1/embeddings`;
}

/** An OpenAI-compatible embeddings endpoint (OpenAI, vLLM, llama.cpp, Ollama, text-embeddings-inference…). */
export class HttpEmbedder implements Embedder {
  readonly kind = 'http' as const;
  readonly modelId: string;
  readonly dimension: number;
  private readonly endpoint: string;

  constructor(
    private readonly options: HttpEmbedderOptions,
    private readonly logger: Logger,
  ) {
    this.endpoint = embeddingsEndpoint(options.url);
    this.dimension = options.dimension;
    this.modelId = `http:${options.model}:d${options.dimension}`;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    checkTexts(texts, this.options.maxContentBytes);
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.options.batchSize) {
      out.push(...(await this.embedBatch(texts.slice(i, i + this.options.batchSize))));
    }
    return out;
  }

  private async embedBatch(batch: readonly string[]): Promise<Float32Array[]> {
    const vectors = await withRetry(() => this.request(batch), {
      attempts: this.options.retryAttempts,
      baseDelayMs: this.options.baseDelayMs ?? 200,
      maxDelayMs: this.options.maxDelayMs ?? 10_000,
      // Network errors, timeouts, 5xx and 429; a 4xx or a malformed answer will not improve by asking again.
      shouldRetry: (err) => err instanceof TransientHttpError || (err instanceof TypeError && err.cause !== undefined),
      onRetry: (err, attempt, delayMs) =>
        this.logger.warn({ attempt, delayMs, err: (err as Error).message }, 'embedding request failed; retrying'),
    }).catch((err: unknown) => {
      if (err instanceof ChoirError) throw err;
      throw new ChoirError(
        'EMBEDDING_FAILED',
        `embedding endpoint ${this.endpoint} failed: ${(err as Error).message}`,
        {
          details: { endpoint: this.endpoint },
          cause: err,
        },
      );
    });
    return checkEmbeddings(vectors, batch.length, this.dimension, `embedding endpoint ${this.endpoint}`);
  }

  private async request(batch: readonly string[]): Promise<number[][]> {
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
        },
        body: JSON.stringify({ model: this.options.model, input: batch, encoding_format: 'float' }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') {
        throw new TransientHttpError(`timed out after ${this.options.timeoutMs} ms`);
      }
      throw err;
    }
    const text = await response.text();
    if (response.status >= 500 || response.status === 429) {
      throw new TransientHttpError(`HTTP ${response.status}: ${text.slice(0, 200)}`);
    }
    if (!response.ok) {
      throw new ChoirError(
        'EMBEDDING_FAILED',
        `embedding endpoint answered HTTP ${response.status}: ${text.slice(0, 200)}`,
        {
          details: { status: response.status },
        },
      );
    }
    let body: EmbeddingsResponse;
    try {
      body = JSON.parse(text) as EmbeddingsResponse;
    } catch {
      throw new ChoirError('EMBEDDING_FAILED', 'embedding endpoint answered with invalid JSON');
    }
    if (!Array.isArray(body.data)) throw new ChoirError('EMBEDDING_FAILED', 'embedding response has no data list');
    // OpenAI returns items with an index; order by it rather than trusting the list order.
    const ordered = [...body.data].sort((a, b) => Number(a.index ?? 0) - Number(b.index ?? 0));
    return ordered.map((item, i) => {
      if (!Array.isArray(item.embedding) || !item.embedding.every((x) => typeof x === 'number')) {
        throw new ChoirError('EMBEDDING_FAILED', `embedding ${i} is not a list of numbers (encoding_format float)`);
      }
      return item.embedding as number[];
    });
  }

  async close(): Promise<void> {}
}
