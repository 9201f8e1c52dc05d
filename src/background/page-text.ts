/**
 * A fetched page's bytes as text, in the encoding a browser would read them in. `Response.text()` reads every
 * page as UTF-8, and a page in GBK or Big5, still common on Chinese news sites, came out garbled.
 */
import { bomEncoding, declaredCharset, decodeText } from '../transfer/text-encoding';

/** The encoding a `Content-Type` header names, as `TextDecoder` knows it; null when it names none it knows. */
function headerCharset(contentType: string | null): string | null {
  const label = /;\s*charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  if (!label) return null;
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return null;
  }
}

/**
 * As browsers choose: a BOM, then the charset of the `Content-Type` header, then the page's `<meta charset>`; a page
 * that names none is read as UTF-8 when it is, else as GB18030 or Big5, whichever reads as Chinese text.
 */
export function pageText(bytes: Uint8Array, contentType: string | null): string {
  const named = bomEncoding(bytes) ?? headerCharset(contentType) ?? declaredCharset(bytes);
  // GBK read with the GB18030 decoder, as the Encoding Standard reads it (Node's ICU decoder drops a 0xFF byte).
  if (named) return new TextDecoder(named === 'gbk' ? 'gb18030' : named).decode(bytes);
  try {
    return decodeText(bytes).text;
  } catch {
    return new TextDecoder().decode(bytes);
  }
}
