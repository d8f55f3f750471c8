// The committed programs/choir/build/choir.so must be exactly what the sources build to with clang-19.
// Without clang-19 this fails (it must not skip): CI installs it with `apt-get install -y clang-19`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
  it('rebuilds byte-for-byte identical to the committed choir.so', () => {
    const built = compileProgram(); // throws "... install it with `apt-get install -y clang-19`" when missing
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
