// `npm run program:build`: compiles programs/choir/src into programs/choir/build/choir.so (committed).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { compileProgram, PROGRAM_SO } from './toolchain/compile.js';

const elf = compileProgram();
mkdirSync(dirname(PROGRAM_SO), { recursive: true });
writeFileSync(PROGRAM_SO, elf);
console.log(`wrote ${relative(process.cwd(), PROGRAM_SO)} (${elf.length} bytes)`);
