/**
 * The check of a zip's entries against the CRC-32 its central directory
 * records for each. fflate inflates without it, so a damaged byte in an entry
 * stored as is (or one inflating to other bytes) read as other text.
 */
import { strFromU8 } from 'fflate';

let table: Uint32Array | null = null;

/** CRC-32 (ISO 3309, as zip and gzip compute it) of `data`. */
export function crc32(data: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = (table[(crc ^ (data[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const u16 = (d: Uint8Array, at: number) => (d[at] ?? 0) | ((d[at + 1] ?? 0) << 8);
const u32 = (d: Uint8Array, at: number) => (u16(d, at) | (u16(d, at + 2) << 16)) >>> 0;

/**
 * Each entry's CRC-32 by its name as fflate gives it (UTF-8 when flagged, else
 * Latin-1). Empty when the directory is not where a plain zip keeps it (zip64):
 * those entries go unchecked, as they went before.
 */
function recordedCrcs(zip: Uint8Array): Map<string, number> {
  const crcs = new Map<string, number>();
  let end = zip.length - 22;
  const stop = Math.max(0, end - 0xffff);
  while (end >= stop && u32(zip, end) !== 0x06054b50) end--;
  if (end < stop) return crcs;
  let at = u32(zip, end + 16);
  for (let n = u16(zip, end + 8); n > 0 && u32(zip, at) === 0x02014b50; n--) {
    const nameLength = u16(zip, at + 28);
    const name = strFromU8(zip.subarray(at + 46, at + 46 + nameLength), !(u16(zip, at + 8) & 0x800));
    crcs.set(name, u32(zip, at + 16));
    at += 46 + nameLength + u16(zip, at + 30) + u16(zip, at + 32);
  }
  return crcs;
}

/** The name of the first of `files` (unzipped from `zip`) whose bytes do not match their recorded CRC-32, or null. */
export function damagedEntry(zip: Uint8Array, files: Record<string, Uint8Array>): string | null {
  const crcs = recordedCrcs(zip);
  for (const [name, bytes] of Object.entries(files)) {
    const recorded = crcs.get(name);
    if (recorded !== undefined && crc32(bytes) !== recorded) return name;
  }
  return null;
}
