import { ByteReader } from './byteReader';

/** sizeof(struct modversion_info) in 6.1 on 64-bit: unsigned long crc; char name[MODULE_NAME_LEN = 56]. */
const MODVERSION_INFO_SIZE = 64;
const NAME_OFFSET = 8;
const NAME_LENGTH = 56;
const UTF8 = new TextDecoder('utf-8');

export interface ModuleVersion {
  readonly name: string;
  /**
   * The CRC modpost recorded for the symbol. The field is an unsigned long, compared by the loader
   * with the exporter's 32-bit CRC (check_version), so sound values are below 2^32; a corrupt value
   * above 2^53 is not exact here, but stays unequal to every 32-bit CRC, as in the kernel.
   */
  readonly crc: number;
}

/**
 * The entries of a __versions section, as the loader walks them: sh_size / 64 entries, a trailing
 * partial entry ignored. A name fills at most its 56 bytes (an unterminated one is cut there);
 * entries with an empty name can match no symbol and are left out.
 */
export function parseModversions(section: Uint8Array): ModuleVersion[] {
  const reader = new ByteReader(section);
  const versions: ModuleVersion[] = [];
  const count = Math.floor(section.length / MODVERSION_INFO_SIZE);
  for (let i = 0; i < count; i++) {
    const at = i * MODVERSION_INFO_SIZE;
    const field = section.subarray(at + NAME_OFFSET, at + NAME_OFFSET + NAME_LENGTH);
    const nul = field.indexOf(0);
    const name = UTF8.decode(nul === -1 ? field : field.subarray(0, nul));
    if (name === '') continue;
    versions.push({ name, crc: Number(reader.u64(at) ?? 0n) });
  }
  return versions;
}
