/** Finding the images an article refers to, and recognising image bytes. */
import type { SavedArticle } from '../storage/types';
import type { ImageLookup, StoredImage } from './types';
import { decodeEntities } from './util';

const IMG_SRC = /<img\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;

/** Image URLs in an article body's HTML, decoded, in document order. */
export function bodyImageUrls(html: string): string[] {
  return [...html.matchAll(IMG_SRC)].map((m) => decodeEntities(m[1] ?? m[2] ?? m[3] ?? '', true)).filter(Boolean);
}

/** Image URLs in `contentHtml` (decoded, in document order, unique) plus the lead image. */
export function imageUrls(saved: SavedArticle): string[] {
  const seen = new Set<string>(bodyImageUrls(saved.article.contentHtml));
  if (saved.leadImage) seen.add(saved.leadImage);
  if (saved.article.leadImage) seen.add(saved.article.leadImage);
  return [...seen];
}

/** The stored images of one article, in the order its HTML uses them. */
export function imagesOf(saved: SavedArticle, lookup: ImageLookup | undefined): StoredImage[] {
  if (!lookup) return [];
  const out: StoredImage[] = [];
  for (const url of imageUrls(saved)) {
    const img = lookup(saved.id, url);
    if (img && img.bytes.length > 0) out.push(img);
  }
  return out;
}

/** Media type from the bytes themselves (declared types are often wrong); null when unknown. */
export function sniffImageType(b: Uint8Array): string | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38) return 'image/gif';
  if (b.length >= 12 && b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return 'image/webp';
  if (b.length >= 12 && b[4] === 0x66 && b[5] === 0x74 && b[6] === 0x79 && b[7] === 0x70 && b[8] === 0x61 && b[9] === 0x76 && b[10] === 0x69) return 'image/avif';
  return null;
}

/** Whether `b` holds a GIF's first image descriptor, which gives the picture's size. */
function gifHasImage(b: Uint8Array): boolean {
  let at = 13 + ((b[10] ?? 0) & 0x80 ? 3 << (((b[10] ?? 0) & 7) + 1) : 0);
  while (at < b.length) {
    if (b[at] === 0x2c) return at + 10 <= b.length;
    if (b[at] !== 0x21) return false;
    // An extension: its label, then sub-blocks until an empty one.
    at += 2;
    while (at < b.length && b[at] !== 0) at += (b[at] as number) + 1;
    at++;
  }
  return false;
}

/** Whether `b` holds a JPEG frame header (SOF0–SOF15 but DHT, JPG and DAC), which gives the picture's size. */
function jpegHasFrame(b: Uint8Array): boolean {
  let at = 2;
  while (at + 4 <= b.length && b[at] === 0xff) {
    const marker = b[at + 1] as number;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return at + 9 <= b.length;
    if (marker === 0xd9 || marker === 0xda) return false; // end of image, or scan data before any frame
    at += 2 + (((b[at + 2] as number) << 8) | (b[at + 3] as number));
  }
  return false;
}

/**
 * Whether a JPEG, PNG or GIF (as `sniffImageType` names it) is whole enough
 * for a reader to learn its size: a picture cut short in its header (a
 * damaged download, a backup's bytes) fails epubcheck (PKG-021) and shows as
 * nothing on an e-reader.
 */
export function hasImageSize(b: Uint8Array, type: string): boolean {
  if (type === 'image/png') return b.length >= 24 && b[12] === 0x49 && b[13] === 0x48 && b[14] === 0x44 && b[15] === 0x52;
  if (type === 'image/gif') return gifHasImage(b);
  if (type === 'image/jpeg') return jpegHasFrame(b);
  return false;
}

/** The picture's size from a WebP's or an AVIF's header (as `sniffImageType` names it); null when it cannot be read. */
export function imageDimensions(b: Uint8Array, type: string): { width: number; height: number } | null {
  if (type === 'image/webp') return webpDimensions(b);
  if (type === 'image/avif') return avifDimensions(b);
  return null;
}

const u16le = (b: Uint8Array, at: number) => (b[at] as number) | ((b[at + 1] as number) << 8);
const u24le = (b: Uint8Array, at: number) => u16le(b, at) | ((b[at + 2] as number) << 16);
const u32be = (b: Uint8Array, at: number) => (((b[at] as number) << 24) | ((b[at + 1] as number) << 16) | ((b[at + 2] as number) << 8) | (b[at + 3] as number)) >>> 0;
const fourCC = (b: Uint8Array, at: number) => String.fromCharCode(...b.subarray(at, at + 4));

/** The first chunk of a WebP: `VP8X` gives the canvas, `VP8 ` the lossy frame, `VP8L` the lossless image. */
function webpDimensions(b: Uint8Array): { width: number; height: number } | null {
  if (b.length < 30) return null;
  const chunk = fourCC(b, 12);
  if (chunk === 'VP8X') return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  if (chunk === 'VP8 ' && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  if (chunk === 'VP8L' && b[20] === 0x2f) {
    const bits = (u24le(b, 21) | ((b[24] as number) << 24)) >>> 0;
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  return null;
}

/**
 * The largest image spatial extents (`ispe`) in an AVIF's `meta/iprp/ipco`: the primary image's, or more when a
 * thumbnail or a grid's tile is larger, so it never reads less than the browser would decode.
 */
function avifDimensions(b: Uint8Array): { width: number; height: number } | null {
  let found: { width: number; height: number } | null = null;
  const walk = (start: number, end: number, path: readonly string[]): void => {
    for (let at = start; at + 8 <= end; ) {
      let size = u32be(b, at);
      const type = fourCC(b, at + 4);
      let body = at + 8;
      if (size === 1) {
        if (at + 16 > end) return;
        size = u32be(b, at + 8) * 2 ** 32 + u32be(b, at + 12);
        body = at + 16;
      } else if (size === 0) size = end - at;
      if (size < body - at || at + size > end) return;
      const next = [...path, type];
      const route = next.join('/');
      if (route === 'meta') walk(body + 4, at + size, next); // a full box: version and flags first
      else if (route === 'meta/iprp' || route === 'meta/iprp/ipco') walk(body, at + size, next);
      else if (route === 'meta/iprp/ipco/ispe' && body + 12 <= at + size) {
        const width = u32be(b, body + 4);
        const height = u32be(b, body + 8);
        if (!found || width * height > found.width * found.height) found = { width, height };
      }
      at += size;
    }
  };
  walk(0, b.length, []);
  return found;
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp', 'image/avif': 'avif', 'image/svg+xml': 'svg',
  'image/bmp': 'bmp', 'image/x-icon': 'ico', 'image/vnd.microsoft.icon': 'ico', 'image/tiff': 'tif',
};

/**
 * The file extension for a media type. The type an image was stored with is
 * the server's Content-Type as sent (`image/svg+xml; charset=utf-8`), and a
 * note app shows a picture by its extension, never one named `.bin`.
 */
export function imageExtension(type: string): string {
  return EXTENSIONS[type.split(';')[0]!.trim().toLowerCase()] ?? 'bin';
}
