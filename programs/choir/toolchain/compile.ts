// Compiles the Choir C sources with clang-19 and packs the object into the deployable SBPFv0 ELF.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packSbpfElf } from './elf-pack.js';

export const PROGRAM_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PROGRAM_SOURCE = join(PROGRAM_DIR, 'src', 'choir.c');
export const PROGRAM_SO = join(PROGRAM_DIR, 'build', 'choir.so');
export const CLANG = 'clang-19';
export const CLANG_INSTALL_HINT = 'apt-get install -y clang-19';

// -mcpu=v2: the BPF ISA level SBPFv0 executes. No builtins/libc, no stack protector, no debug info (deterministic,
// smaller), and clang's own 512-byte stack check raised to the 4 KiB frame Solana gives each function.
export const CLANG_FLAGS = [
  '-target',
  'bpfel',
  '-mcpu=v2',
  '-O2',
  '-ffreestanding',
  '-fno-builtin',
  '-fno-stack-protector',
  '-g0',
  '-Wall',
  '-Wextra',
  '-Werror',
  '-mllvm',
  '-bpf-stack-size=4096',
];

export function assertClangAvailable(): void {
  const probe = spawnSync(CLANG, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`${CLANG} is not installed; install it with \`${CLANG_INSTALL_HINT}\``);
  }
}

/** Builds the program and returns the ELF bytes (the same bytes on every machine with the same clang-19). */
export function compileProgram(): Uint8Array {
  assertClangAvailable();
  const work = mkdtempSync(join(tmpdir(), 'choir-program-'));
  try {
    const object = join(work, 'choir.o');
    const res = spawnSync(CLANG, [...CLANG_FLAGS, '-c', PROGRAM_SOURCE, '-o', object], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`${CLANG} failed:\n${res.stderr}`);
    return packSbpfElf(readFileSync(object));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
