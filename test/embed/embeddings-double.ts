import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HashingEmbedder } from '../../src/embed/hashing-embedder.js';

export interface EmbeddingsRequest {
  authorization: string | undefined;
  body: { model?: string; input?: unknown; encoding_format?: string };
}

/**
 * A local OpenAI-compatible `/v1/embeddings` endpoint. Answers with hashing-embedder vectors (so answers are
 * deterministic and lexical), in reversed order with their indexes (as the API allows), and can be told to fail.
 */
export class EmbeddingsDouble {
  readonly requests: EmbeddingsRequest[] = [];
  /** Statuses (or 'drop') to answer instead of the next requests. */
  readonly failures: Array<number | 'drop'> = [];
  /** Overrides the vector returned for every input (to test bad answers). */
  answer: ((input: string) => unknown) | undefined;
  private server: Server | undefined;

  constructor(
    readonly dimension = 32,
    private readonly apiKey?: string,
  ) {}

  async start(): Promise<string> {
    const hashing = new HashingEmbedder(this.dimension);
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as EmbeddingsRequest['body'];
      this.requests.push({ authorization: req.headers.authorization, body });
      const failure = this.failures.shift();
      if (failure === 'drop') return void req.socket.destroy();
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (failure !== undefined) return reply(failure, { error: { message: `injected ${failure}` } });
      if (req.url !== '/v1/embeddings' || req.method !== 'POST') return reply(404, { error: { message: 'not found' } });
      if (this.apiKey && req.headers.authorization !== `Bearer ${this.apiKey}`) {
        return reply(401, { error: { message: 'invalid api key' } });
      }
      if (!Array.isArray(body.input) || typeof body.model !== 'string') {
        return reply(400, { error: { message: 'input must be a list and model a string' } });
      }
      const data = (body.input as string[]).map((text, index) => ({
        object: 'embedding',
        index,
        embedding: this.answer ? this.answer(text) : Array.from(hashing.embedOne(text)),
      }));
      reply(200, {
        object: 'list',
        model: body.model,
        data: data.reverse(),
        usage: { prompt_tokens: 0, total_tokens: 0 },
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
