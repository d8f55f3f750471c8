import type { Variables } from './section.js';

/** What documentation needs of a section: its variables (not how it builds settings). */
type AnySection = { readonly name: string; readonly variables: Variables };

function cell(text: string) {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** The README's table of environment variables, generated from the sections so it cannot drift from the code. */
export function variablesTable(sections: readonly AnySection[]): string {
  const rows = ['| Variable | Default | Example | Description |', '| --- | --- | --- | --- |'];
  for (const section of sections) {
    for (const [name, spec] of Object.entries(section.variables)) {
      const fallback = spec.default === undefined ? '(unset)' : `\`${cell(spec.default)}\``;
      const secret = spec.secret ? ' Secret: never logged.' : '';
      rows.push(`| \`${name}\` | ${fallback} | \`${cell(spec.example)}\` | ${cell(spec.description)}${secret} |`);
    }
  }
  return rows.join('\n');
}

/** Every variable's effective value, secrets hidden: what `choir env` prints. */
export function describeEnvironment(
  sections: readonly AnySection[],
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  return environmentSettings(sections, env).map(
    (s) => `${s.name}=${s.secret && s.set ? '(set, hidden)' : (s.value ?? '(unset)')}${s.set ? '' : '  # default'}`,
  );
}

export interface EnvironmentSetting {
  readonly name: string;
  readonly section: string;
  /** The value in effect; null when unset with no default, or when it is a secret. */
  readonly value: string | null;
  /** Given in the environment (false: the default applies). */
  readonly set: boolean;
  readonly secret: boolean;
}

/** Every setting with the value in effect (secrets never included): what `choir env --json` prints. */
export function environmentSettings(
  sections: readonly AnySection[],
  env: Readonly<Record<string, string | undefined>>,
): EnvironmentSetting[] {
  const settings: EnvironmentSetting[] = [];
  for (const section of sections) {
    for (const [name, spec] of Object.entries(section.variables)) {
      const given = env[name];
      const set = given !== undefined && given !== '';
      const secret = spec.secret === true;
      const value = secret ? null : set ? (given as string) : (spec.default ?? null);
      settings.push({ name, section: section.name, value, set, secret });
    }
  }
  return settings;
}
