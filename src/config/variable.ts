import { z } from 'zod';

/**
 * One environment variable: how to parse it, its default, a good example and what it is for. The README's table
 * of variables is checked against these specs, so the documentation cannot drift from the code.
 */
export type VariableKind = 'string' | 'url' | 'integer' | 'boolean' | 'enum';

export interface VariableSpec<T> {
  readonly kind: VariableKind;
  readonly schema: z.ZodType<T>;
  /** The value used when the variable is unset or empty, as it would be written in the environment. */
  readonly default: string | undefined;
  readonly example: string;
  readonly description: string;
  /** Secrets are never logged or printed. */
  readonly secret: boolean;
}

interface Common {
  example: string;
  description: string;
  secret?: boolean;
}

type Optional<T, O> = O extends { default: string } ? T : T | undefined;

function spec<T>(kind: VariableKind, schema: z.ZodType<T>, options: Common & { default?: string }): VariableSpec<T> {
  return {
    kind,
    schema,
    default: options.default,
    example: options.example,
    description: options.description,
    secret: options.secret ?? false,
  };
}

function maybe<T>(schema: z.ZodType<T>, hasDefault: boolean): z.ZodType<T> {
  return (hasDefault ? schema : schema.optional()) as z.ZodType<T>;
}

export const v = {
  string<O extends Common & { default?: string; pattern?: RegExp; patternHint?: string }>(o: O) {
    let s = z.string().min(1);
    if (o.pattern) s = s.regex(o.pattern, o.patternHint ?? `must match ${o.pattern}`);
    return spec<Optional<string, O>>('string', maybe(s, o.default !== undefined) as z.ZodType<Optional<string, O>>, o);
  },
  url<O extends Common & { default?: string; protocols: string[] }>(o: O) {
    const s = z.string().refine(
      (raw) => {
        try {
          return o.protocols.includes(new URL(raw).protocol.replace(/:$/, ''));
        } catch {
          return false;
        }
      },
      { message: `must be a URL with scheme ${o.protocols.join(' or ')}` },
    );
    return spec<Optional<string, O>>('url', maybe(s, o.default !== undefined) as z.ZodType<Optional<string, O>>, o);
  },
  int<O extends Common & { default?: string; min: number; max?: number }>(o: O) {
    const max = o.max ?? Number.MAX_SAFE_INTEGER;
    const s = z
      .string()
      .regex(/^-?\d+$/, `must be an integer between ${o.min} and ${max}`)
      .transform(Number)
      .pipe(z.number().int().min(o.min, `must be at least ${o.min}`).max(max, `must be at most ${max}`));
    return spec<Optional<number, O>>('integer', maybe(s, o.default !== undefined) as z.ZodType<Optional<number, O>>, o);
  },
  port<O extends Common & { default?: string }>(o: O) {
    return v.int({ ...o, min: 1, max: 65_535 });
  },
  bool<O extends Common & { default?: string }>(o: O) {
    const s = z
      .string()
      .regex(/^(true|false|1|0|yes|no)$/i, 'must be true or false')
      .transform((raw) => /^(true|1|yes)$/i.test(raw));
    return spec<Optional<boolean, O>>(
      'boolean',
      maybe(s, o.default !== undefined) as z.ZodType<Optional<boolean, O>>,
      o,
    );
  },
  oneOf<const V extends readonly [string, ...string[]], O extends Common & { default?: V[number] }>(values: V, o: O) {
    const s = z.enum(values, { error: () => `must be one of ${values.join(', ')}` });
    return spec<Optional<V[number], O>>(
      'enum',
      maybe(s, o.default !== undefined) as z.ZodType<Optional<V[number], O>>,
      o,
    );
  },
};
