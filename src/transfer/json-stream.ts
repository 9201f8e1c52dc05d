/**
 * Splits a JSON document of the backup's shape — one top-level object whose
 * lists (`articles`, `images`) may be far larger than memory should hold — as
 * its text arrives in pieces: each list element comes out on its own, parsed;
 * every other top-level value comes out parsed as a whole (bounded in size).
 *
 * Only the structure around the elements is checked here (braces, brackets,
 * commas, colons, string escapes); each element and value is then checked by
 * JSON.parse, so a document the splitter accepts is one JSON.parse accepts,
 * except that a repeated top-level key is refused rather than overwritten.
 */
import { jsonProblem, quoted, TransferError } from './util';

export type JsonStreamEvent =
  | { type: 'field'; key: string; value: unknown }
  | { type: 'list-start'; key: string }
  | { type: 'item'; key: string; value: unknown; index: number }
  | { type: 'list-end'; key: string; count: number };

export interface JsonSplitterOptions {
  /** Top-level keys whose array values are split into items. */
  lists: readonly string[];
  /** Largest top-level value other than a split list, in characters. */
  maxField?: number;
  /** Largest list element, in characters. */
  maxItem?: number;
}

type State = 'start' | 'first-key' | 'key' | 'colon' | 'value' | 'after-value' | 'first-item' | 'item' | 'after-item' | 'done';

const WS = /[^ \t\n\r]/g;
const STRING_END = /["\\]/g;
const STRUCTURE = /[{}[\]"]/g;
const SCALAR_END = /[,\]} \t\n\r]/g;

function damaged(detail: string): TransferError {
  return new TransferError(`the backup is not valid JSON, probably truncated or damaged (${detail})`);
}

export class JsonSplitter {
  private buf = '';
  /** Characters dropped from the front of `buf` so far (for positions in messages). */
  private dropped = 0;
  private pos = 0;
  private state: State = 'start';
  private key = '';
  private readonly seen = new Set<string>();
  private count = 0;
  /**
   * The value being scanned: its first character, its start in `buf` (0 once earlier pieces of it are in `held`),
   * where the scan stopped, and where the document's text it starts (for messages).
   */
  private value: { first: string; start: number; at: number; depth: number; inString: boolean; origin: number } | null = null;
  /**
   * The text of the value being scanned that came in earlier pieces, and its length. Joined to `buf` piece by piece,
   * a value of many pieces (a backup's image of 20 MB) was copied whole again with each: 20 s for that image.
   */
  private held: string[] = [];
  private heldChars = 0;
  private readonly lists: ReadonlySet<string>;
  private readonly maxField: number;
  private readonly maxItem: number;

  constructor(opts: JsonSplitterOptions) {
    this.lists = new Set(opts.lists);
    this.maxField = opts.maxField ?? 1 << 20;
    this.maxItem = opts.maxItem ?? 64 << 20;
  }

  /** Feeds the next piece of text; returns the events it completes. Throws TransferError on a damaged document. */
  push(text: string): JsonStreamEvent[] {
    // Drop what is consumed, so the buffer holds at most the value being scanned and one piece.
    const keep = this.value ? this.value.start : this.pos;
    if (keep > 0) {
      this.buf = this.buf.slice(keep);
      this.dropped += keep;
      this.pos -= keep;
      if (this.value) {
        this.value.at -= keep;
        this.value.start = 0;
      }
    }
    this.buf += text;
    const out: JsonStreamEvent[] = [];
    this.run(out, false);
    return out;
  }

  /** The text has ended: returns the last events, or throws when the document is incomplete. */
  end(): JsonStreamEvent[] {
    const out: JsonStreamEvent[] = [];
    this.run(out, true);
    if (this.state !== 'done') throw damaged('the file ends before the backup does');
    return out;
  }

  private unexpected(at: number): TransferError {
    const c = this.buf[at] ?? '';
    return damaged(`unexpected ${JSON.stringify(c)} at character ${this.dropped + at + 1}`);
  }

  /** Index of the next non-whitespace character from `pos`, or -1 when the buffer ends first. */
  private skip(): number {
    WS.lastIndex = this.pos;
    const m = WS.exec(this.buf);
    if (!m) {
      this.pos = this.buf.length;
      return -1;
    }
    return m.index;
  }

  private run(out: JsonStreamEvent[], final: boolean): void {
    for (;;) {
      if (this.state === 'value' || this.state === 'item' || this.state === 'first-item') {
        if (!this.value) {
          const at = this.skip();
          if (at < 0) return;
          if (this.state === 'first-item' && this.buf[at] === ']') {
            this.pos = at + 1;
            this.closeList(out);
            continue;
          }
          if (this.state === 'value' && this.lists.has(this.key) && this.buf[at] === '[') {
            this.pos = at + 1;
            this.count = 0;
            this.state = 'first-item';
            out.push({ type: 'list-start', key: this.key });
            continue;
          }
          this.value = this.startValue(at);
        }
        const end = this.scan(final);
        const inList = this.state !== 'value';
        if (end < 0) {
          const size = this.heldChars + this.buf.length - this.value.start;
          if (size > (inList ? this.maxItem : this.maxField)) {
            throw new TransferError(inList ? `an entry of "${this.key}" is larger than ${this.maxItem >> 20} MB` : `the backup's "${this.key}" field is too large`);
          }
          this.hold();
          return;
        }
        const { start, origin } = this.value;
        const text = this.held.join('') + this.buf.slice(start, end);
        this.held = [];
        this.heldChars = 0;
        this.value = null;
        this.pos = end;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (e) {
          throw damaged(jsonProblem(e, text, origin));
        }
        if (inList) {
          out.push({ type: 'item', key: this.key, value, index: this.count++ });
          this.state = 'after-item';
        } else {
          out.push({ type: 'field', key: this.key, value });
          this.state = 'after-value';
        }
        continue;
      }
      const at = this.skip();
      if (at < 0) return;
      const c = this.buf[at];
      switch (this.state) {
        case 'start':
          if (c !== '{') throw this.unexpected(at);
          this.pos = at + 1;
          this.state = 'first-key';
          break;
        case 'first-key':
        case 'key': {
          if (c === '}' && this.state === 'first-key') {
            this.pos = at + 1;
            this.state = 'done';
            break;
          }
          if (c !== '"') throw this.unexpected(at);
          this.value = this.startValue(at);
          const end = this.scan(final);
          this.value = null;
          if (end < 0) {
            if (this.buf.length - at > this.maxField) throw new TransferError('the backup has a key that is too long');
            this.pos = at;
            return;
          }
          try {
            this.key = JSON.parse(this.buf.slice(at, end)) as string;
          } catch (e) {
            throw damaged(jsonProblem(e, this.buf.slice(at, end), this.dropped + at));
          }
          if (this.seen.has(this.key)) throw new TransferError(`the backup has "${quoted(this.key)}" twice`);
          this.seen.add(this.key);
          this.pos = end;
          this.state = 'colon';
          break;
        }
        case 'colon':
          if (c !== ':') throw this.unexpected(at);
          this.pos = at + 1;
          this.state = 'value';
          break;
        case 'after-value':
          if (c === ',') this.state = 'key';
          else if (c === '}') this.state = 'done';
          else throw this.unexpected(at);
          this.pos = at + 1;
          break;
        case 'after-item':
          if (c === ',') this.state = 'item';
          else if (c === ']') {
            this.pos = at + 1;
            this.closeList(out);
            break;
          } else throw this.unexpected(at);
          this.pos = at + 1;
          break;
        case 'done':
          throw this.unexpected(at);
      }
    }
  }

  private startValue(at: number): NonNullable<JsonSplitter['value']> {
    return { first: this.buf[at] as string, start: at, at, depth: 0, inString: false, origin: this.dropped + at };
  }

  /** Sets aside what is scanned of the value, leaving in `buf` only what the scan resumes at (a backslash at most). */
  private hold(): void {
    const v = this.value as NonNullable<JsonSplitter['value']>;
    const scanned = this.buf.slice(v.start, v.at);
    if (scanned) {
      this.held.push(scanned);
      this.heldChars += scanned.length;
    }
    this.buf = this.buf.slice(v.at);
    this.dropped += v.at;
    this.pos = 0;
    v.start = v.at = 0;
  }

  private closeList(out: JsonStreamEvent[]): void {
    out.push({ type: 'list-end', key: this.key, count: this.count });
    this.state = 'after-value';
  }

  /**
   * Continues scanning the value in `this.value`; returns the index just past
   * its end, or -1 when the buffer ends first (the scan resumes from there).
   */
  private scan(final: boolean): number {
    const v = this.value as NonNullable<JsonSplitter['value']>;
    const buf = this.buf;
    const first = v.first;
    if (first !== '{' && first !== '[' && first !== '"') {
      // A number or a literal: it ends at the next delimiter (JSON.parse checks it).
      SCALAR_END.lastIndex = v.at;
      const m = SCALAR_END.exec(buf);
      if (m) return m.index;
      v.at = buf.length;
      return final ? buf.length : -1;
    }
    let at = v.at;
    if (at === v.start && this.heldChars === 0) {
      if (first === '"') v.inString = true;
      else v.depth = 1;
      at++;
    }
    for (;;) {
      if (v.inString) {
        STRING_END.lastIndex = at;
        const m = STRING_END.exec(buf);
        if (!m) {
          // Nothing left that ends or escapes: the next piece is searched from its start, not the string's.
          at = buf.length;
          break;
        }
        if (m[0] === '\\') {
          // The escaped character may not have arrived yet: resume at the backslash.
          if (m.index + 1 >= buf.length) {
            at = m.index;
            break;
          }
          at = m.index + 2;
          continue;
        }
        at = m.index + 1;
        v.inString = false;
        if (v.depth === 0) return at;
        continue;
      }
      STRUCTURE.lastIndex = at;
      const m = STRUCTURE.exec(buf);
      if (!m) {
        at = buf.length;
        break;
      }
      at = m.index + 1;
      const c = m[0];
      if (c === '"') v.inString = true;
      else if (c === '{' || c === '[') v.depth++;
      else if (--v.depth === 0) return at;
    }
    v.at = at;
    return -1;
  }
}
