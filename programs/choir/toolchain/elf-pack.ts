// Packs one BPF relocatable object into a Solana SBPFv0 shared object that the runtime's ELF loader accepts.
//
// No linker here produces a loadable program, so this does the few things the loader needs: .text and the merged
// .rodata* placed at sh_addr == sh_offset (SBPFv0 maps the file image at 0x1_0000_0000), rodata addresses patched
// into `lddw` immediates, and each syscall call left with imm = -1 plus a named dynamic relocation (R_BPF_64_32)
// that the loader resolves by name. Calls between our own functions are already relative in clang's output.
// Output depends only on the object bytes: no timestamps, no paths.

import { type ElfObject, readElfObject, SHT_NOBITS, SHT_PROGBITS } from './elf-object.js';

const R_BPF_64_64 = 1;
const R_BPF_64_32 = 10;
const MM_PROGRAM_START = 0x1_0000_0000n;
const EM_BPF = 247;
const ET_DYN = 3;
const SHT_STRTAB = 3;
const SHT_DYNAMIC = 6;
const SHT_REL = 9;
const SHT_DYNSYM = 11;
const SHF_WRITE = 1n;
const SHF_ALLOC = 2n;
const SHF_EXECINSTR = 4n;
const DT_NULL = 0;
const DT_STRTAB = 5;
const DT_SYMTAB = 6;
const DT_STRSZ = 10;
const DT_SYMENT = 11;
const DT_REL = 17;
const DT_RELSZ = 18;
const DT_RELENT = 19;
const DT_TEXTREL = 22;
const STT_FUNC = 2;
const STB_GLOBAL = 1;

/** Syscalls the program may import; anything else undefined is a build error rather than a load-time failure. */
export const ALLOWED_SYSCALLS = new Set([
  'sol_log_',
  'sol_log_64_',
  'sol_log_data',
  'sol_sha256',
  'sol_create_program_address',
  'sol_try_find_program_address',
  'sol_curve_validate_point',
  'sol_invoke_signed_c',
  'sol_get_clock_sysvar',
  'sol_get_rent_sysvar',
  'sol_memcpy_',
  'sol_memset_',
  'sol_memcmp_',
]);

const align = (n: number, to: number) => Math.ceil(n / to) * to;

class ByteWriter {
  private chunks: Uint8Array[] = [];
  length = 0;
  bytes(b: Uint8Array) {
    this.chunks.push(b);
    this.length += b.length;
  }
  padTo(n: number) {
    if (n > this.length) this.bytes(new Uint8Array(n - this.length));
  }
  u8(v: number) {
    this.bytes(Uint8Array.of(v));
  }
  u16(v: number) {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(v);
    this.bytes(b);
  }
  u32(v: number) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.bytes(b);
  }
  u64(v: number | bigint) {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.bytes(b);
  }
  finish(): Uint8Array {
    return Buffer.concat(this.chunks);
  }
}

class StringTable {
  private readonly writer = new ByteWriter();
  private readonly offsets = new Map<string, number>();
  constructor() {
    this.writer.u8(0);
  }
  add(s: string): number {
    const known = this.offsets.get(s);
    if (known !== undefined) return known;
    const at = this.writer.length;
    this.writer.bytes(Buffer.from(`${s}\0`, 'latin1'));
    this.offsets.set(s, at);
    return at;
  }
  bytes(): Uint8Array {
    return this.writer.finish();
  }
}

interface Layout {
  text: Uint8Array; // copied, then patched
  rodata: Uint8Array;
  rodataBase: Map<number, number>; // object section index -> offset inside merged rodata
  entryOffset: number;
  entrySize: number;
}

function collect(obj: ElfObject): Layout {
  const texts = obj.sections.filter((s) => s.name === '.text');
  const text = texts[0];
  if (!text || texts.length !== 1) throw new Error('expected exactly one .text section (no -ffunction-sections)');
  for (const s of obj.sections) {
    const alloc = (s.flags & SHF_ALLOC) !== 0n;
    if (!alloc || s.bytes.length === 0) continue;
    if ((s.flags & SHF_WRITE) !== 0n || s.type === SHT_NOBITS) {
      throw new Error(`writable section ${s.name} is not supported (no writable globals in Solana programs)`);
    }
    if ((s.flags & SHF_EXECINSTR) !== 0n && s !== text) throw new Error(`unexpected code section ${s.name}`);
  }
  const rodataBase = new Map<number, number>();
  let size = 0;
  const parts: { at: number; bytes: Uint8Array }[] = [];
  for (const s of obj.sections) {
    if (!s.name.startsWith('.rodata') || s.type !== SHT_PROGBITS) continue;
    size = align(size, s.align);
    rodataBase.set(s.index, size);
    parts.push({ at: size, bytes: s.bytes });
    size += s.bytes.length;
  }
  const rodata = new Uint8Array(size);
  for (const p of parts) rodata.set(p.bytes, p.at);
  const entry = obj.symbols.find((s) => s.name === 'entrypoint' && s.sectionIndex === text.index);
  if (!entry) throw new Error('no `entrypoint` function in .text');
  return { text: Uint8Array.from(text.bytes), rodata, rodataBase, entryOffset: entry.value, entrySize: entry.size };
}

export function packSbpfElf(objectBytes: Uint8Array): Uint8Array {
  const obj = readElfObject(objectBytes);
  const layout = collect(obj);
  const textIndex = obj.sections.findIndex((s) => s.name === '.text');
  for (const [target, _] of obj.relocations) {
    if (target !== textIndex) throw new Error(`relocations in ${obj.sections[target]?.name} are not supported`);
  }

  const textOffset = 0x40; // right after the ELF header
  const rodataOffset = align(textOffset + layout.text.length, 8);
  const textView = new DataView(layout.text.buffer);

  const syscalls: string[] = [];
  const callSites: { offset: number; name: string }[] = [];
  for (const rel of obj.relocations.get(textIndex) ?? []) {
    const symbol = obj.symbols[rel.symbolIndex];
    if (!symbol) throw new Error(`relocation at ${rel.offset} names a missing symbol`);
    if (rel.type === R_BPF_64_64) {
      const base = layout.rodataBase.get(symbol.sectionIndex);
      if (base === undefined) throw new Error(`lddw of ${symbol.name} outside .rodata is not supported`);
      const addend =
        BigInt(textView.getUint32(rel.offset + 4, true)) | (BigInt(textView.getUint32(rel.offset + 12, true)) << 32n);
      const address = MM_PROGRAM_START + BigInt(rodataOffset + base + symbol.value) + addend;
      textView.setUint32(rel.offset + 4, Number(address & 0xffffffffn), true);
      textView.setUint32(rel.offset + 12, Number(address >> 32n), true);
    } else if (rel.type === R_BPF_64_32) {
      if (symbol.sectionIndex !== 0) throw new Error(`unexpected relocated call to defined symbol ${symbol.name}`);
      if (!ALLOWED_SYSCALLS.has(symbol.name)) throw new Error(`call to unknown external function ${symbol.name}`);
      textView.setInt32(rel.offset + 4, -1, true);
      if (!syscalls.includes(symbol.name)) syscalls.push(symbol.name);
      callSites.push({ offset: rel.offset, name: symbol.name });
    } else {
      throw new Error(`unsupported relocation type ${rel.type} at .text+${rel.offset}`);
    }
  }
  syscalls.sort();

  // Dynamic symbols: null, entrypoint, then the syscalls (sorted so the output does not depend on call order).
  const dynstr = new StringTable();
  const entryName = dynstr.add('entrypoint');
  const syscallNames = syscalls.map((s) => dynstr.add(s));
  const dynsym = new ByteWriter();
  dynsym.bytes(new Uint8Array(24));
  const entryAddress = textOffset + layout.entryOffset;
  dynsym.u32(entryName);
  dynsym.u8((STB_GLOBAL << 4) | STT_FUNC);
  dynsym.u8(0);
  dynsym.u16(1); // .text is section 1 of the output
  dynsym.u64(entryAddress);
  dynsym.u64(layout.entrySize);
  for (const nameAt of syscallNames) {
    dynsym.u32(nameAt);
    dynsym.u8(STB_GLOBAL << 4);
    dynsym.u8(0);
    dynsym.u16(0);
    dynsym.u64(0);
    dynsym.u64(0);
  }
  const relDyn = new ByteWriter();
  for (const site of callSites.sort((a, b) => a.offset - b.offset)) {
    relDyn.u64(textOffset + site.offset);
    relDyn.u64((BigInt(2 + syscalls.indexOf(site.name)) << 32n) | BigInt(R_BPF_64_32));
  }
  const dynsymBytes = dynsym.finish();
  const dynstrBytes = dynstr.bytes();
  const relBytes = relDyn.finish();

  const dynamicOffset = align(rodataOffset + layout.rodata.length, 8);
  const dynamicEntries = 9;
  const dynsymOffset = dynamicOffset + dynamicEntries * 16;
  const dynstrOffset = dynsymOffset + dynsymBytes.length;
  const relOffset = align(dynstrOffset + dynstrBytes.length, 8);
  const dynamic = new ByteWriter();
  for (const [tag, value] of [
    [DT_REL, relOffset],
    [DT_RELSZ, relBytes.length],
    [DT_RELENT, 16],
    [DT_SYMTAB, dynsymOffset],
    [DT_SYMENT, 24],
    [DT_STRTAB, dynstrOffset],
    [DT_STRSZ, dynstrBytes.length],
    [DT_TEXTREL, 0],
    [DT_NULL, 0],
  ] as const) {
    dynamic.u64(tag);
    dynamic.u64(value);
  }

  const shstrtab = new StringTable();
  const names = ['.text', '.rodata', '.dynamic', '.dynsym', '.dynstr', '.rel.dyn', '.shstrtab'].map((n) =>
    shstrtab.add(n),
  );
  const shstrBytes = shstrtab.bytes();
  const shstrOffset = relOffset + relBytes.length;
  const shoff = align(shstrOffset + shstrBytes.length, 8);

  const out = new ByteWriter();
  // ELF header
  out.bytes(Uint8Array.of(0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0));
  out.u16(ET_DYN);
  out.u16(EM_BPF);
  out.u32(1);
  out.u64(entryAddress);
  out.u64(0); // no program headers: SBPFv0 loads by section headers
  out.u64(shoff);
  out.u32(0); // e_flags 0 = SBPFv0
  out.u16(64);
  out.u16(56);
  out.u16(0);
  out.u16(64);
  out.u16(8);
  out.u16(7); // .shstrtab
  out.padTo(textOffset);
  out.bytes(layout.text);
  out.padTo(rodataOffset);
  out.bytes(layout.rodata);
  out.padTo(dynamicOffset);
  out.bytes(dynamic.finish());
  out.bytes(dynsymBytes);
  out.bytes(dynstrBytes);
  out.padTo(relOffset);
  out.bytes(relBytes);
  out.bytes(shstrBytes);
  out.padTo(shoff);

  const header = (
    name: number,
    type: number,
    flags: bigint,
    offset: number,
    size: number,
    link = 0,
    info = 0,
    alignTo = 1,
    entsize = 0,
  ) => {
    out.u32(name);
    out.u32(type);
    out.u64(flags);
    out.u64((flags & SHF_ALLOC) !== 0n ? offset : 0); // SBPFv0 wants sh_addr == sh_offset for loaded sections
    out.u64(offset);
    out.u64(size);
    out.u32(link);
    out.u32(info);
    out.u64(alignTo);
    out.u64(entsize);
  };
  out.bytes(new Uint8Array(64));
  header(names[0]!, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, textOffset, layout.text.length, 0, 0, 8);
  header(names[1]!, SHT_PROGBITS, SHF_ALLOC, rodataOffset, layout.rodata.length, 0, 0, 8);
  header(names[2]!, SHT_DYNAMIC, SHF_ALLOC | SHF_WRITE, dynamicOffset, dynamicEntries * 16, 5, 0, 8, 16);
  header(names[3]!, SHT_DYNSYM, SHF_ALLOC, dynsymOffset, dynsymBytes.length, 5, 1, 8, 24);
  header(names[4]!, SHT_STRTAB, SHF_ALLOC, dynstrOffset, dynstrBytes.length, 0, 0, 1);
  header(names[5]!, SHT_REL, SHF_ALLOC, relOffset, relBytes.length, 4, 0, 8, 16);
  header(names[6]!, SHT_STRTAB, 0n, shstrOffset, shstrBytes.length, 0, 0, 1);
  return out.finish();
}
