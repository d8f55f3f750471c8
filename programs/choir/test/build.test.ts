// The committed programs/choir/build/choir.so must be exactly what the sources build to with clang-19.
// Without clang-19 the tests that compile skip, naming the install command; under CI=true they fail instead
// (`.ci/run` installs clang-19, so a missing one there is a broken machine).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { CLANG_19, needTool } from '../../../test/support/system-tools.js';
import {
  assertClangAvailable,
  CLANG,
  CLANG_FLAGS,
  CLANG_INSTALL_HINT,
  compileProgram,
  PROGRAM_SO,
} from '../toolchain/compile.js';
import { readElfObject } from '../toolchain/elf-object.js';
import { packSbpfElf } from '../toolchain/elf-pack.js';

describe('program build', () => {
  it('rebuilds byte-for-byte identical to the committed choir.so', (ctx) => {
    needTool(ctx, CLANG_19);
    const built = compileProgram();
    const committed = readFileSync(PROGRAM_SO);
    expect(
      Buffer.from(built).equals(committed),
      'programs/choir/build/choir.so is stale: run `npm run program:build` and commit it',
    ).toBe(true);
    expect(CLANG_INSTALL_HINT).toBe('apt-get install -y clang-19');
  });

  it('produces an SBPFv0 shared object with only allow-listed syscall imports', () => {
    const so = readFileSync(PROGRAM_SO);
    expect(so.subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    expect(so.readUInt16LE(16)).toBe(3); // ET_DYN
    expect(so.readUInt16LE(18)).toBe(247); // EM_BPF
    expect(so.readUInt32LE(48)).toBe(0); // e_flags: SBPFv0
    const text = so.toString('latin1');
    expect(text).toContain('sol_invoke_signed_c');
    expect(text).not.toContain('sol_alloc_free_');
    expect(() => readElfObject(so)).toThrow(/relocatable/);
  });
});

describe('ELF packer', () => {
  beforeEach((ctx) => needTool(ctx, CLANG_19));
  const compile = (source: string): Uint8Array => {
    const dir = mkdtempSync(join(tmpdir(), 'choir-packer-'));
    try {
      writeFileSync(join(dir, 'x.c'), source);
      const res = spawnSync(CLANG, [...CLANG_FLAGS, '-c', join(dir, 'x.c'), '-o', join(dir, 'x.o')], {
        encoding: 'utf8',
      });
      if (res.status !== 0) throw new Error(res.stderr);
      return readFileSync(join(dir, 'x.o'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('refuses writable globals, unknown imports and a missing entrypoint', () => {
    assertClangAvailable();
    expect(() =>
      packSbpfElf(
        compile(
          'unsigned long counter = 1;\nunsigned long entrypoint(unsigned char *in) { return counter++ + in[0]; }\n',
        ),
      ),
    ).toThrow(/writable section/);
    expect(() =>
      packSbpfElf(
        compile(
          'extern void abort_now(void);\nunsigned long entrypoint(unsigned char *in) { abort_now(); return in[0]; }\n',
        ),
      ),
    ).toThrow(/unknown external function abort_now/);
    expect(() => packSbpfElf(compile('unsigned long not_entry(unsigned char *in) { return in[0]; }\n'))).toThrow(
      /no `entrypoint`/,
    );
  });
});
