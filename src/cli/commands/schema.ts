import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from '../command.js';

export const schemaFile = join(import.meta.dirname, '..', '..', '..', 'schema', 'schema.graphql');

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'Write the GraphQL SDL to schema/schema.graphql (--check: fail if the checked-in file is stale)',
  usage: 'choir schema [--check]',
  options: { check: { type: 'boolean', default: false } },
  async run(args) {
    const { printApiSchema } = await import('../../api/graphql/schema.js');
    const sdl = await printApiSchema();
    if (args.values.check === true) {
      const current = await readFile(schemaFile, 'utf8').catch(() => '');
      if (current === sdl) return 0;
      process.stderr.write('schema/schema.graphql is stale: run `npx choir schema` and `npm run codegen`\n');
      return 1;
    }
    await writeFile(schemaFile, sdl);
    process.stdout.write(`wrote ${schemaFile}\n`);
    return 0;
  },
};
