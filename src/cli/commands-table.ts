/**
 * The README's table of `choir` commands, generated from the commands themselves (`choir help --markdown`, written
 * by `npm run docs:variables`), so it lists every command that exists and none that does not; a test compares.
 */
import type { Command } from './command.js';

const cell = (text: string) => text.replaceAll('|', '\\|');

export function commandsTable(commands: readonly Command[]): string {
  const rows = commands.map((c) => `| \`${cell(c.usage)}\` | ${cell(c.summary)} |`);
  return ['| Command | What it does |', '| --- | --- |', ...rows].join('\n');
}
