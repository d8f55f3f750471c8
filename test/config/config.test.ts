import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { variablesTable } from '../../src/config/docs.js';
import { loadConfig, sections } from '../../src/config/index.js';
import { readSection, type Section, type Variables } from '../../src/config/section.js';
import type { VariableSpec } from '../../src/config/variable.js';
import { isChoirError } from '../../src/errors/index.js';

// biome-ignore lint/suspicious/noExplicitAny: specs of every type
const allVariables = sections.flatMap((s) => Object.entries(s.variables as Record<string, VariableSpec<any>>));

/** A value each kind of variable must refuse (strings accept any non-empty text, so they have none). */
const badValues: Record<string, string[]> = {
  integer: ['abc', '1.5', '99999999999999999999'],
  boolean: ['maybe'],
  enum: ['definitely-not-an-option'],
  url: ['not a url', 'ftp://example.com/x'],
};

function loadError(env: Record<string, string>) {
  try {
    loadConfig(env);
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('configuration', () => {
  it('loads with no environment at all, using the documented defaults', () => {
    const config = loadConfig({});
    expect(config.server.port).toBe(4000);
    expect(config.database.url).toBeUndefined();
    expect(config.database.embedded).toEqual({ dataDir: '.choir/pg', port: 54329 });
  });

  it('every default parses and every example is itself valid', () => {
    for (const section of sections as unknown as readonly Section<Variables, unknown>[]) {
      const examples = Object.fromEntries(
        Object.entries(section.variables).map(([name, spec]) => [name, spec.example]),
      );
      expect(() => readSection(section, examples), section.name).not.toThrow();
      expect(() => readSection(section, {}), section.name).not.toThrow();
    }
  });

  for (const [name, spec] of allVariables) {
    for (const bad of badValues[spec.kind] ?? []) {
      it(`${name}=${JSON.stringify(bad)} stops with one line naming the variable, the problem and an example`, () => {
        const err = loadError({ [name]: bad });
        expect(isChoirError(err, 'CONFIG_INVALID')).toBe(true);
        const message = (err as Error).message;
        expect(message.split('\n')).toHaveLength(1);
        expect(message.startsWith(`${name}=`)).toBe(true);
        expect(message).toContain(`(example: ${name}=${spec.example})`);
        if (spec.secret) expect(message).not.toContain(bad);
        else expect(message).toContain(JSON.stringify(bad));
      });
    }
  }

  it('integer ranges are enforced with the bound in the message', () => {
    expect((loadError({ PORT: '70000' }) as Error).message).toContain('at most 65535');
    expect((loadError({ DATABASE_POOL_SIZE: '0' }) as Error).message).toContain('at least 1');
  });

  it('an empty value counts as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).server.port).toBe(4000);
  });

  it('variable names are unique across sections', () => {
    const names = allVariables.map(([name]) => name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("the README's table of variables is exactly what the code defines", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const between = readme.split('<!-- variables:start -->')[1]?.split('<!-- variables:end -->')[0];
    expect(between, 'README.md lacks the variables markers').toBeDefined();
    expect(between?.trim()).toBe(variablesTable(sections));
  });
});
