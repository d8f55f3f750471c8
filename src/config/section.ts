import { ChoirError } from '../errors/index.js';
import type { VariableSpec } from './variable.js';

export type Env = Readonly<Record<string, string | undefined>>;

// biome-ignore lint/suspicious/noExplicitAny: a section holds variables of different types
export type Variables = Record<string, VariableSpec<any>>;
export type ParsedVariables<V extends Variables> = { [K in keyof V]: V[K] extends VariableSpec<infer T> ? T : never };

/** A group of variables that one part of choir owns, and the typed settings object it builds from them. */
export interface Section<V extends Variables, S> {
  readonly name: string;
  readonly variables: V;
  readonly build: (vars: ParsedVariables<V>) => S;
}

export function defineSection<V extends Variables, S>(
  name: string,
  variables: V,
  build: (vars: ParsedVariables<V>) => S,
): Section<V, S> {
  return { name, variables, build };
}

/**
 * Reads a section's variables from `env`. An empty string counts as unset. The first bad value stops with one
 * line naming the variable, what is wrong with the value and an example of a good one.
 */
export function readSection<V extends Variables, S>(section: Section<V, S>, env: Env): S {
  const parsed: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(section.variables)) {
    const given = env[name];
    const raw = given === undefined || given === '' ? spec.default : given;
    const result = spec.schema.safeParse(raw);
    if (!result.success) {
      const problem = result.error.issues[0]?.message ?? 'is invalid';
      const shown = spec.secret ? '(hidden)' : JSON.stringify(raw);
      throw new ChoirError('CONFIG_INVALID', `${name}=${shown}: ${problem} (example: ${name}=${spec.example})`, {
        details: { variable: name, problem },
      });
    }
    parsed[name] = result.data;
  }
  try {
    return section.build(parsed as ParsedVariables<V>);
  } catch (err) {
    if (err instanceof ChoirError) throw err;
    throw new ChoirError('CONFIG_INVALID', `${section.name}: ${(err as Error).message}`, { cause: err });
  }
}
