/**
 * A zip written file by file with fflate's streaming `Zip`: its bytes are
 * taken as they are produced, so a Markdown or EPUB export of the whole
 * library goes into Blobs page by page and is never held whole. Entries
 * carry their sizes after their data (a data descriptor), which every unzip
 * tool, e-reader and epubcheck accept.
 */
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';

export class ZipStream {
  private chunks: Uint8Array[] = [];
  private readonly zip = new Zip((error, chunk) => {
    if (error) throw error;
    this.chunks.push(chunk);
  });

  /** Adds a file, deflated or stored as is (images are compressed already; an EPUB's `mimetype` must be stored). */
  add(name: string, data: Uint8Array, deflate: boolean): void {
    const file = deflate ? new ZipDeflate(name, { level: 6 }) : new ZipPassThrough(name);
    this.zip.add(file);
    file.push(data, true);
  }

  /** Writes the central directory: the last bytes. */
  end(): void {
    this.zip.end();
  }

  /** The bytes produced since the last call, in order. */
  take(): Uint8Array[] {
    const out = this.chunks;
    this.chunks = [];
    return out;
  }
}

/** One array of `parts`, for callers that want the whole file. */
export function joinBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
