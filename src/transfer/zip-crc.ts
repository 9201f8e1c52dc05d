/**
 * The check of a zip's entries against the CRC-32 its central directory
 * records for each. fflate inflates without it, so a damaged byte in an entry
 * stored as is (or one inflating to other bytes) read as other text.
 */
import { strFromU8 } from 'fflate';

let table: Uint32Array | null = null;

/** CRC-32 (ISO 3309, as zip and gzip compute it) of `data`, or of the bytes before it (whose CRC is `crc`) and it. */
export function crc32(data: Uint8Array, crc = 0): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = crc ^ 0xffffffff;
  for (let i = 0; i < data.length; i++) c = (table[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const u16 = (d: Uint8Array, at: number) => (d[at] ?? 0) | ((d[at + 1] ?? 0) << 8);
const u32 = (d: Uint8Array, at: number) => (u16(d, at) | (u16(d, at + 2) << 16)) >>> 0;

/** Bytes at the end of a zip that hold its end record: the record and the longest comment. */
export const ZIP_TAIL = 22 + 0xffff;

/** Where `tail`, the last bytes of a zip, says the central directory is, and how many entries it lists. */
export function directoryOf(tail: Uint8Array): { offset: number; size: number; entries: number } | null {
  let end = tail.length - 22;
  while (end >= 0 && u32(tail, end) !== 0x06054b50) end--;
  return end < 0 ? null : { entries: u16(tail, end + 8), size: u32(tail, end + 12), offset: u32(tail, end + 16) };
}

/**
 * Each entry's CRC-32 in `directory` (the central directory's bytes, from `at`), by its name as fflate gives it
 * (UTF-8 when flagged, else Latin-1). A zip64 directory, elsewhere than its end record says, lists none: its entries
 * go unchecked, as they went before.
 */
export function recordedCrcs(directory: Uint8Array, entries: number, at = 0): Map<string, number> {
  const crcs = new Map<string, number>();
  for (let n = entries; n > 0 && u32(directory, at) === 0x02014b50; n--) {
    const nameLength = u16(directory, at + 28);
    const name = strFromU8(directory.subarray(at + 46, at + 46 + nameLength), !(u16(directory, at + 8) & 0x800));
    crcs.set(name, u32(directory, at + 16));
    at += 46 + nameLength + u16(directory, at + 30) + u16(directory, at + 32);
  }
  return crcs;
}

/** The name of the first of `files` (unzipped from `zip`) whose bytes do not match their recorded CRC-32, or null. */
export function damagedEntry(zip: Uint8Array, files: Record<string, Uint8Array>): string | null {
  const directory = directoryOf(zip.subarray(Math.max(0, zip.length - ZIP_TAIL)));
  const crcs = directory ? recordedCrcs(zip, directory.entries, directory.offset) : new Map<string, number>();
  for (const [name, bytes] of Object.entries(files)) {
    const recorded = crcs.get(name);
    if (recorded !== undefined && crc32(bytes) !== recorded) return name;
  }
  return null;
}
