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
  const lines: string[] = [];
  for (const section of sections) {
    for (const [name, spec] of Object.entries(section.variables)) {
      const given = env[name];
      const set = given !== undefined && given !== '';
      const value = set
        ? spec.secret
          ? '(set, hidden)'
          : given
        : spec.default === undefined
          ? '(unset)'
          : spec.default;
      lines.push(`${name}=${value}${set ? '' : '  # default'}`);
    }
  }
  return lines;
}
