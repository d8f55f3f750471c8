// Reads the parts of an ELF64 little-endian relocatable object (clang -target bpfel -c) that the packer needs.

export interface ObjectSection {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly flags: bigint;
  readonly align: number;
  readonly link: number;
  readonly info: number;
  readonly bytes: Uint8Array;
}

export interface ObjectSymbol {
  readonly name: string;
  readonly info: number;
  readonly sectionIndex: number;
  readonly value: number;
  readonly size: number;
}

export interface ObjectRelocation {
  readonly offset: number;
  readonly type: number;
  readonly symbolIndex: number;
}

export interface ElfObject {
  readonly sections: readonly ObjectSection[];
  readonly symbols: readonly ObjectSymbol[];
  /** Relocations keyed by the index of the section they patch. */
  readonly relocations: ReadonlyMap<number, readonly ObjectRelocation[]>;
}

export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;
export const SHT_RELA = 4;
export const EM_BPF = 247;

function cString(bytes: Uint8Array, at: number): string {
  let end = at;
  while (end < bytes.length && bytes[end] !== 0) end++;
  return Buffer.from(bytes.subarray(at, end)).toString('latin1');
}

export function readElfObject(file: Uint8Array): ElfObject {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (view.getUint32(0, false) !== 0x7f454c46 || file[4] !== 2 || file[5] !== 1) {
    throw new Error('not an ELF64 little-endian file');
  }
  if (view.getUint16(16, true) !== 1 || view.getUint16(18, true) !== EM_BPF) {
    throw new Error('not a BPF relocatable object (ET_REL, EM_BPF)');
  }
  const shoff = Number(view.getBigUint64(40, true));
  const shentsize = view.getUint16(58, true);
  const shnum = view.getUint16(60, true);
  const shstrndx = view.getUint16(62, true);
  const raw = Array.from({ length: shnum }, (_, index) => {
    const at = shoff + index * shentsize;
    const type = view.getUint32(at + 4, true);
    const offset = Number(view.getBigUint64(at + 24, true));
    const size = Number(view.getBigUint64(at + 32, true));
    return {
      index,
      nameOffset: view.getUint32(at, true),
      type,
      flags: view.getBigUint64(at + 8, true),
      link: view.getUint32(at + 40, true),
      info: view.getUint32(at + 44, true),
      align: Math.max(1, Number(view.getBigUint64(at + 48, true))),
      bytes: type === SHT_NOBITS ? new Uint8Array(size) : file.subarray(offset, offset + size),
    };
  });
  const names = raw[shstrndx]?.bytes ?? new Uint8Array();
  const sections: ObjectSection[] = raw.map(({ nameOffset, ...s }) => ({ ...s, name: cString(names, nameOffset) }));

  const symtab = sections.find((s) => s.type === SHT_SYMTAB);
  const strtab = symtab ? sections[symtab.link]?.bytes : undefined;
  const symbols: ObjectSymbol[] = [];
  if (symtab && strtab) {
    const sv = new DataView(symtab.bytes.buffer, symtab.bytes.byteOffset, symtab.bytes.byteLength);
    for (let at = 0; at + 24 <= symtab.bytes.length; at += 24) {
      symbols.push({
        name: cString(strtab, sv.getUint32(at, true)),
        info: sv.getUint8(at + 4),
        sectionIndex: sv.getUint16(at + 6, true),
        value: Number(sv.getBigUint64(at + 8, true)),
        size: Number(sv.getBigUint64(at + 16, true)),
      });
    }
  }

  const relocations = new Map<number, ObjectRelocation[]>();
  for (const section of sections) {
    if (section.type === SHT_RELA) throw new Error(`unsupported RELA section ${section.name}`);
    if (section.type !== SHT_REL) continue;
    const rv = new DataView(section.bytes.buffer, section.bytes.byteOffset, section.bytes.byteLength);
    const list: ObjectRelocation[] = [];
    for (let at = 0; at + 16 <= section.bytes.length; at += 16) {
      const info = rv.getBigUint64(at + 8, true);
      list.push({
        offset: Number(rv.getBigUint64(at, true)),
        type: Number(info & 0xffffffffn),
        symbolIndex: Number(info >> 32n),
      });
    }
    relocations.set(section.info, list);
  }
  return { sections, symbols, relocations };
}
