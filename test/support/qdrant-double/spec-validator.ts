import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default export is the module object on some loaders.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as typeof addFormatsModule.default;

const specPath = join(dirname(fileURLToPath(import.meta.url)), 'qdrant-openapi.json');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Json;
}
interface OpenApiOperation {
  operationId: string;
  parameters?: OpenApiParameter[];
  requestBody?: { content?: { 'application/json'?: { schema?: Json } } };
}
interface OpenApiSpec {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, Json> };
}

/**
 * Qdrant writes an optional field as `anyOf: [X, { "nullable": true }]`. For ajv a bare `{ nullable: true }` (no
 * type) is an error at compile time, so it becomes `{ type: "null" }`, which is what it means.
 */
export function fixBareNullables(node: Json): Json {
  if (Array.isArray(node)) return node.map(fixBareNullables);
  if (node === null || typeof node !== 'object') return node;
  const keys = Object.keys(node);
  if (node['nullable'] === true && !('type' in node) && !('$ref' in node) && !('anyOf' in node) && !('oneOf' in node)) {
    const rest: Record<string, Json> = { type: 'null' };
    for (const key of keys) if (key !== 'nullable') rest[key] = fixBareNullables(node[key] as Json);
    return rest;
  }
  const out: Record<string, Json> = {};
  for (const key of keys) out[key] = fixBareNullables(node[key] as Json);
  return out;
}

/** Rewrites OpenAPI's local `#/components/...` references into references to the registered document. */
function pointAtDocument(node: Json): Json {
  if (Array.isArray(node)) return node.map(pointAtDocument);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === '$ref' && typeof value === 'string' ? `qdrant.json${value}` : pointAtDocument(value);
  }
  return out;
}

export interface SpecProblem {
  where: 'body' | 'query';
  message: string;
}

export interface OperationValidator {
  readonly operationId: string;
  /** Returns the first problems with the request, or an empty list when Qdrant would accept it. */
  validate(body: unknown, query: Record<string, string>): SpecProblem[];
}

function addNumericFormats(ajv: Ajv): void {
  addFormats(ajv);
  const nonNegativeInt = { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 } as const;
  ajv.addFormat('uint', nonNegativeInt);
  ajv.addFormat('uint64', nonNegativeInt);
  ajv.addFormat('uint32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 && n < 2 ** 32 });
  ajv.addFormat('uint8', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 && n < 256 });
  ajv.addFormat('partial-date-time', true);
}

function newAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: false, coerceTypes, validateFormats: true });
  addNumericFormats(ajv);
  ajv.addVocabulary(['components', 'example']);
  return ajv;
}

/** Validates requests against Qdrant's OpenAPI description, one compiled validator per operation. */
export class QdrantSpec {
  private readonly operations = new Map<string, OperationValidator>();

  constructor(path = specPath) {
    const spec = JSON.parse(readFileSync(path, 'utf8')) as OpenApiSpec;
    const components = pointAtDocument(fixBareNullables(spec.components as unknown as Json));
    const bodies = newAjv(false);
    const queries = newAjv(true);
    for (const ajv of [bodies, queries]) ajv.addSchema({ $id: 'qdrant.json', components } as object);

    for (const [path, methods] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const bodySchema = op.requestBody?.content?.['application/json']?.schema;
        let body: ValidateFunction | undefined;
        const compileLazily = () => {
          if (!body && bodySchema) body = bodies.compile(pointAtDocument(fixBareNullables(bodySchema)) as object);
          return body;
        };
        const queryParams = (op.parameters ?? []).filter((p) => p.in === 'query');
        const properties: Record<string, Json> = {};
        for (const p of queryParams) properties[p.name] = pointAtDocument(fixBareNullables(p.schema ?? {}));
        const query = queries.compile({
          type: 'object',
          properties,
          required: queryParams.filter((p) => p.required).map((p) => p.name),
          additionalProperties: false,
        });
        this.operations.set(`${method.toUpperCase()} ${path}`, {
          operationId: op.operationId,
          validate(given, params) {
            const problems: SpecProblem[] = [];
            const copy: Record<string, unknown> = { ...params };
            if (!query(copy)) problems.push({ where: 'query', message: firstAjvError(query) });
            const validateBody = compileLazily();
            if (validateBody && !validateBody(given))
              problems.push({ where: 'body', message: firstAjvError(validateBody) });
            return problems;
          },
        });
      }
    }
  }

  /** The validator of `METHOD /path/{template}`; throws for an operation the spec does not describe. */
  operation(method: string, template: string): OperationValidator {
    const op = this.operations.get(`${method.toUpperCase()} ${template}`);
    if (!op) throw new Error(`Qdrant's API has no operation ${method.toUpperCase()} ${template}`);
    return op;
  }
}

function firstAjvError(fn: ValidateFunction): string {
  const first = fn.errors?.[0];
  if (!first) return 'invalid';
  return `${first.instancePath || '(root)'} ${first.message ?? 'is invalid'} ${JSON.stringify(first.params)}`;
}
