/**
 * The encoding of an imported text file. Qingdu's own files and the services'
 * exports are UTF-8, but a list that went through a spreadsheet may not be:
 * Excel saves "CSV (Comma delimited)" in the system's code page, GBK on
 * Simplified Chinese Windows and Big5 on Traditional Chinese Windows, with no
 * BOM; "CSV UTF-8" with a BOM; "Unicode Text" as UTF-16LE with a BOM. A
 * bookmarks page may say its charset in a `<meta>`.
 *
 * In order: a BOM; UTF-8 when the bytes are valid UTF-8 (text in GBK or Big5
 * almost never is); the charset the file declares; else GB18030 (a superset of
 * GBK) or Big5, whichever reads as Chinese text, judged by how many of its
 * Chinese characters are among the common ones of that encoding (the text of
 * one, read as the other, turns into rare characters, symbols and kana).
 * Every decoder here is the browser's own `TextDecoder`, strict, so a byte
 * that is no character in an encoding rules it out.
 */
import { encodingName } from './format-names';
import { TransferError } from './util';

export interface DecodedText {
  text: string;
  /** The decoder's name for the encoding (`utf-8`, `utf-16le`, `gbk`, `gb18030`, `big5`…). */
  encoding: string;
}

/** The encodings tried, in this order, when the file is not UTF-8 and declares none. */
const GUESSES = ['gb18030', 'big5'] as const;
type Guess = (typeof GUESSES)[number];

/** The refusal when no encoding reads the file. */
export const NOT_TEXT = 'the file is not text in UTF-8, GB18030 (GBK) or Big5; save it as UTF-8 and import it again';

/** The refusal of a file that is not text in `encoding` (one its BOM or its `<meta>` names). */
export const notTextIn = (encoding: string): string => `the file is not ${encodingName(encoding)} text`;

/** Bytes the guessed encodings are judged on: a list's first megabyte. Only the one chosen reads the rest. */
const SAMPLE_BYTES = 1 << 20;

/** The encoding a file's BOM names, or null when it starts with none. */
export function bomEncoding(bytes: Uint8Array): string | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return null;
}

/**
 * `bytes` decoded strictly as `encoding` (its BOM dropped), or null when some
 * byte is no character in it. GBK is read with the GB18030 decoder, as the
 * Encoding Standard has every GBK label read (Node's ICU decoder for `gbk`
 * drops an 0xFF byte without an error).
 */
function strictly(encoding: string, bytes: Uint8Array, stream: boolean): string | null {
  try {
    return new TextDecoder(encoding === 'gbk' ? 'gb18030' : encoding, { fatal: true }).decode(bytes, { stream });
  } catch {
    return null;
  }
}

/** Whether every byte is ASCII: such a file reads the same in UTF-8 and in any charset a page declares. */
function isAscii(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b > 0x7f) return false;
  return true;
}

/**
 * The encoding a page's `<meta charset>` or `http-equiv` names in its first
 * 1,024 bytes (where browsers look), as `TextDecoder` names it; null when it
 * names none, or one no decoder knows. A page cannot declare UTF-16: the
 * bytes that declare it are ASCII (browsers read it as UTF-8).
 */
export function declaredCharset(bytes: Uint8Array): string | null {
  const head = new TextDecoder('windows-1252').decode(bytes.subarray(0, 1024));
  const label = /<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head)?.[1];
  if (!label) return null;
  let encoding: string;
  try {
    encoding = new TextDecoder(label).encoding;
  } catch {
    return null;
  }
  return encoding.startsWith('utf-16') ? 'utf-8' : encoding;
}

/** The common Chinese characters of each guessed encoding, made on first use from the decoder itself. */
let commonHan: Record<Guess, ReadonlySet<number>> | null = null;

/**
 * GB2312's first level (the 3,755 characters of everyday Simplified text, rows
 * B0–D7) and Big5's frequent characters (the 5,401 of A440–C67E).
 */
function common(): Record<Guess, ReadonlySet<number>> {
  if (commonHan) return commonHan;
  const set = (encoding: Guess, leads: [number, number], trails: readonly (readonly [number, number])[], below: number): Set<number> => {
    const bytes: number[] = [];
    for (let lead = leads[0]; lead <= leads[1]; lead++) {
      for (const [from, to] of trails) for (let trail = from; trail <= to; trail++) if (((lead << 8) | trail) < below) bytes.push(lead, trail);
    }
    const out = new Set<number>();
    for (const ch of new TextDecoder(encoding).decode(Uint8Array.from(bytes))) {
      const cp = ch.codePointAt(0) as number;
      if (isHan(cp)) out.add(cp);
    }
    return out;
  };
  commonHan = {
    gb18030: set('gb18030', [0xb0, 0xd7], [[0xa1, 0xfe]], 0xd7fa),
    big5: set('big5', [0xa4, 0xc6], [[0x40, 0x7e], [0xa1, 0xfe]], 0xc67f),
  };
  return commonHan;
}

/** CJK ideographs: the unified blocks (with extension A and the supplementary planes' extensions) and the compatibility block. */
const isHan = (cp: number): boolean =>
  (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3ffff);

interface Reading {
  encoding: Guess;
  text: string;
  /** Chinese characters among the encoding's common ones, less those that are not. */
  score: number;
}

/**
 * How `text` reads as `encoding`'s Chinese; null when it cannot be that:
 * control characters, private-use characters (a code page's user-defined
 * area), or fewer than half its Chinese characters common ones.
 */
function reading(encoding: Guess, text: string): Reading | null {
  const known = common()[encoding];
  let han = 0;
  let usual = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (cp < 0x20 ? cp !== 0x09 && cp !== 0x0a && cp !== 0x0d : cp === 0x7f || (cp >= 0x80 && cp <= 0x9f)) return null;
    if ((cp >= 0xe000 && cp <= 0xf8ff) || cp >= 0xf0000 || cp === 0xfffd) return null;
    if (isHan(cp)) {
      han++;
      if (known.has(cp)) usual++;
    }
  }
  if (usual * 2 < han) return null;
  return { encoding, text, score: usual - (han - usual) };
}

export interface DecodeOptions {
  /** The charset the file declares (see `declaredCharset`), tried after UTF-8. */
  declared?: string | null;
  /**
   * `bytes` are the first of a longer file, which may stop inside a character:
   * the encoding is chosen from them, and a character cut at the end dropped.
   */
  head?: boolean;
}

/**
 * Decodes an imported text file in its encoding (see the top of this file),
 * without its BOM. Throws TransferError when no encoding reads it.
 */
export function decodeText(bytes: Uint8Array, opts: DecodeOptions = {}): DecodedText {
  const stream = opts.head ?? false;
  const bom = bomEncoding(bytes);
  if (bom) {
    const text = strictly(bom, bytes, stream);
    if (text === null) throw new TransferError(notTextIn(bom));
    return { text, encoding: bom };
  }
  const utf8 = strictly('utf-8', bytes, stream);
  const declared = opts.declared && opts.declared !== 'utf-8' ? opts.declared : null;
  if (utf8 !== null && !(declared && isAscii(bytes))) return { text: utf8, encoding: 'utf-8' };
  if (declared) {
    const text = strictly(declared, bytes, stream);
    if (text === null) throw new TransferError(notTextIn(declared));
    return { text, encoding: declared };
  }
  // Judged on the first megabyte; the best reading that also reads the whole file wins.
  const sample = bytes.length > SAMPLE_BYTES ? bytes.subarray(0, SAMPLE_BYTES) : bytes;
  const readings: Reading[] = [];
  for (const encoding of GUESSES) {
    const text = strictly(encoding, sample, stream || sample !== bytes);
    const r = text === null ? null : reading(encoding, text);
    if (r) readings.push(r);
  }
  readings.sort((a, b) => b.score - a.score);
  for (const r of readings) {
    const text = sample === bytes ? r.text : strictly(r.encoding, bytes, stream);
    if (text !== null) return { text, encoding: r.encoding };
  }
  throw new TransferError(NOT_TEXT);
}
