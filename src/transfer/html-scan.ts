/**
 * A tiny HTML tokenizer for the link-list formats (Netscape bookmarks, Pocket
 * ril_export.html). Those files are flat and machine-written; a tokenizer keeps
 * the importers pure (no DOM needed in a worker or Node) and linear in time.
 */
import { decodeEntities, lineEnds, TransferError } from './util';

export type HtmlToken =
  | { type: 'open'; name: string; attrs: Record<string, string>; line: number }
  | { type: 'close'; name: string; line: number }
  | { type: 'text'; text: string; line: number };

/**
 * One attribute of a start tag: whitespace before it (none after a quoted
 * value, as browsers read `a="1"b`), a name and maybe a value. Each is matched
 * once, as a whole (the lookahead and back-reference make it atomic), and
 * neither a name nor an unquoted value takes a `<`: a start tag ends at its
 * `>` or, left unclosed, before the next tag or at the end of the text, as
 * `<A HREF="…" PRIVATE` cut off before the next `<DT>`. Trying every way a
 * tag's attributes split took time exponential in their number, and running
 * unclosed tags on to the end of the file took time quadratic in their count;
 * a `<!…>` declaration stops at a `<` for the same reason.
 */
const ATTRIBUTE = `(?=((?:\\s+|(?<=["']))[^\\s=>/<]+(?:\\s*=\\s*(?:"[^"]*"|'[^']*'|[^\\s><]+))?))\\4`;
const TOKEN = new RegExp(`<!--[\\s\\S]*?(?:-->|$)|<![^<>]*>|<\\/([a-zA-Z][a-zA-Z0-9]*)\\s*>|<([a-zA-Z][a-zA-Z0-9]*)((?:${ATTRIBUTE})*)\\s*\\/?(?:>|(?=<)|$)|[^<]+|<`, 'g');
const ATTR = /([^\s=>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;

/**
 * The next match of TOKEN. A start tag of millions of attributes (a few MB,
 * no browser writes one) overflows the stack of the regular expression that
 * matches them: refused with the line it starts on, not as an unexpected error.
 */
function nextToken(matches: RegExpStringIterator<RegExpExecArray>, line: number): IteratorResult<RegExpExecArray> {
  try {
    return matches.next();
  } catch (error) {
    if (error instanceof RangeError) throw new TransferError(`the tag on line ${line} has more attributes than can be read`);
    throw error;
  }
}

/** Tokens of `html`; `line` is the line number its first character is on (for pieces of a larger file). */
export function* tokenizeHtml(html: string, line = 1): Generator<HtmlToken> {
  const matches = html.matchAll(TOKEN);
  for (let next = nextToken(matches, line); !next.done; next = nextToken(matches, line)) {
    const m = next.value;
    const whole = m[0];
    const at = line;
    // No token ends between the CR and LF of a line end: each ends with a `<` or `>`, before a `<`, or at the end of the text.
    line += lineEnds(whole);
    if (m[1]) {
      yield { type: 'close', name: m[1].toLowerCase(), line: at };
    } else if (m[2]) {
      const attrs: Record<string, string> = {};
      for (const a of (m[3] ?? '').matchAll(ATTR)) {
        const key = (a[1] as string).toLowerCase();
        if (!(key in attrs)) attrs[key] = decodeEntities(a[2] ?? a[3] ?? a[4] ?? '', true);
      }
      yield { type: 'open', name: m[2].toLowerCase(), attrs, line: at };
    } else if (whole[0] !== '<' || whole === '<') {
      yield { type: 'text', text: decodeEntities(whole), line: at };
    }
  }
}
