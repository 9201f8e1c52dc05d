/**
 * Markdown export: one `.md` per article with YAML front matter, zipped with
 * the article's images beside it, plus a reading list of links.
 *
 * turndown parses HTML with the page's DOMParser in the extension build and
 * with its bundled domino in Node, so this module needs no DOM argument.
 */
import TurndownService from 'turndown';
import type { SavedArticle, StoredImage } from '../storage/types';
import { articleFront } from './article-front';
import { imageExtension, imagesOf, sniffImageType } from './images';
import { addTableRules } from './markdown-tables';
import type { ChunkOptions, ImageLookup } from './types';
import { escapeHtml, localDayOf, mapChunked, safeFileName, safeUrl, utf8 } from './util';
import { joinBytes, ZipStream } from './zip-stream';

/**
 * A YAML scalar that always parses back as this exact string: JSON strings are valid YAML double-quoted scalars
 * once the characters YAML may not hold raw are escaped too (DEL and the C1 controls, which PyYAML refuses;
 * NEL and the line and paragraph separators, which YAML 1.1 readers take as line breaks; U+FFFE and U+FFFF).
 */
export function yamlString(s: string): string {
  return JSON.stringify(s).replace(YAML_UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const YAML_UNPRINTABLE = /[\u007f-\u009f\u2028\u2029\ufffe\uffff]/g;

/**
 * A tag as Obsidian reads one: letters, digits, `_`, `-`, `/` and emoji. A
 * space or punctuation would end it (or, in front matter, make Obsidian drop
 * it), so each run of them becomes `_`: "machine learning" → machine_learning.
 * Obsidian takes no tag of digits alone (#1984 is none), so one gets a `_`
 * before it: 2024 → _2024. A tag of punctuation alone is left out.
 */
function noteTag(tag: string): string {
  const t = tag
    .trim()
    .replace(/^#+/, '')
    .replace(/[^\p{L}\p{N}\p{M}_\-/\p{Extended_Pictographic}\p{Regional_Indicator}\p{Emoji_Modifier}\u200d]+/gu, '_');
  return /^\p{N}+$/u.test(t) ? `_${t}` : t;
}

/** An article's tags as note tags, each once. */
function noteTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map(noteTag).filter((t) => /[^_]/.test(t)))];
}

export function frontMatter(a: SavedArticle): string {
  const lines = [
    '---',
    `title: ${yamlString(a.title)}`,
    `url: ${yamlString(a.url)}`,
    `author: ${a.byline === null ? 'null' : yamlString(a.byline)}`,
    ...(a.article.translator ? [`translator: ${yamlString(a.article.translator)}`] : []),
    `published: ${a.published === null ? 'null' : yamlString(a.published)}`,
    ...(a.article.updated ? [`updated: ${yamlString(a.article.updated)}`] : []),
    `saved: ${yamlString(a.savedAt)}`,
    `tags: [${noteTags(a.tags).map(yamlString).join(', ')}]`,
    `state: ${yamlString(a.state)}`,
    ...(a.lang ? [`lang: ${yamlString(a.lang)}`] : []),
    '---',
    '',
  ];
  return lines.join('\n');
}

/** Markdown link destination: `<…>` when it holds spaces or brackets (CommonMark). */
function destination(path: string): string {
  return /[\s()<>]/.test(path) ? `<${path.replace(/[<>]/g, encodeURIComponent)}>` : path;
}

/** Link and alt text: brackets would end it, and `<` would start raw HTML. */
const escapeLinkText = (s: string): string => s.replace(/([\\[\]<])/g, '\\$1');

export function createTurndown(resolveImage: (src: string) => string | null): TurndownService {
  const td = new TurndownService({ headingStyle: 'atx', codeBlockStyle: 'fenced', bulletListMarker: '-', emDelimiter: '*' });
  td.remove(['script', 'style', 'noscript', 'iframe']);
  addTableRules(td);
  // Ruby's reading in brackets after its base (中(zhōng)), as a plain-text reader would write it; its own fallback brackets go.
  td.addRule('qingdu-ruby-text', { filter: 'rt', replacement: (content) => (content.trim() ? `(${content.trim()})` : '') });
  td.addRule('qingdu-ruby-brackets', { filter: 'rp', replacement: () => '' });
  // Text that shows markup ("<img onerror=…>" written in an article) must stay text: Markdown
  // renderers pass raw HTML through, so `<` in text nodes is escaped as well (CommonMark `\<`).
  const escapeMarkdown = td.escape.bind(td);
  td.escape = (text: string) => escapeMarkdown(text).replace(/</g, '\\<');
  td.addRule('qingdu-image', {
    filter: 'img',
    replacement: (_content, node) => {
      const el = node as HTMLElement;
      const src = el.getAttribute('src') ?? '';
      const target = resolveImage(src);
      if (!target) return '';
      const alt = escapeLinkText((el.getAttribute('alt') ?? '').replace(/\s+/g, ' '));
      return `![${alt}](${destination(target)})`;
    },
  });
  return td;
}

/** A standfirst's lines as a quote, one paragraph a line: a bilingual one keeps its English and Chinese apart. Empty without lines. */
export function standfirstQuote(lines: readonly string[], td: TurndownService): string {
  return lines.map((line) => `> ${td.escape(line)}`).join('\n>\n');
}

/** The Markdown body of one article; images map to `imagePath(url)` or keep their http(s) URL. */
export function articleMarkdown(a: SavedArticle, imagePath: (url: string) => string | undefined = () => undefined, td?: TurndownService): string {
  const service = td ?? createTurndown((src) => imagePath(src) ?? safeUrl(src));
  const front = articleFront(a);
  const parts = [`# ${service.escape(a.title.replace(/\s+/g, ' '))}`];
  // The standfirst as a quote; then the hero, if the body does not show it.
  parts.push(standfirstQuote(front.lead, service));
  if (front.hero) parts.push(service.turndown(`<img src="${escapeHtml(front.hero)}" alt="">`));
  parts.push(service.turndown(a.article.contentHtml || ''));
  return `${frontMatter(a)}\n${parts.filter(Boolean).join('\n\n')}\n`;
}

export interface MarkdownZipOptions extends ChunkOptions {
  /** Folder at the top of the zip. Default `qingdu`. */
  root?: string;
}

/** What a reading-list line shows of an article. */
export type ReadingListRow = Pick<SavedArticle, 'url' | 'title' | 'state' | 'savedAt' | 'tags'>;

/**
 * Writes the Markdown zip one article at a time: `<root>/<title>.md` files
 * with images in `<root>/<title>/NN.ext` (links rewritten relative to the
 * .md), and `<root>/reading-list.md` of every article at the end. `take()`
 * hands over the bytes written so far.
 */
export class MarkdownZipWriter {
  private readonly zip = new ZipStream();
  private readonly used = new Set<string>(['reading-list']);
  private readonly list: ReadingListRow[] = [];
  /** Image URL → path in the zip, for the article being written. */
  private images = new Map<string, string>();
  private readonly td = createTurndown((src) => this.images.get(src) ?? safeUrl(src));

  /** `listTitle`: the reading list's, in the reader's language. */
  constructor(private readonly root = 'qingdu', private readonly listTitle?: string) {}

  article(a: SavedArticle, lookup?: ImageLookup): void {
    const base = safeFileName(a.title, a.id);
    let name = base;
    for (let n = 2; this.used.has(name.toLowerCase()); n++) name = `${base} (${n})`;
    this.used.add(name.toLowerCase());
    this.images = new Map();
    imagesOf(a, lookup).forEach((img: StoredImage, k) => {
      const type = sniffImageType(img.bytes) ?? img.type;
      const file = `${String(k + 1).padStart(2, '0')}.${imageExtension(type)}`;
      this.zip.add(`${this.root}/${name}/${file}`, img.bytes, false);
      this.images.set(img.url, `${name}/${file}`);
    });
    this.zip.add(`${this.root}/${name}.md`, utf8(articleMarkdown(a, undefined, this.td)), true);
    this.list.push({ url: a.url, title: a.title, state: a.state, savedAt: a.savedAt, tags: a.tags });
  }

  /** Adds the reading list and closes the zip. */
  end(): void {
    this.zip.add(`${this.root}/reading-list.md`, utf8(readingListMarkdown(this.list, this.listTitle)), true);
    this.zip.end();
  }

  take(): Uint8Array[] {
    return this.zip.take();
  }
}

/** The whole Markdown zip of `articles` (see `MarkdownZipWriter`). */
export async function exportMarkdownZip(articles: readonly SavedArticle[], lookup?: ImageLookup, opts: MarkdownZipOptions = {}): Promise<Uint8Array> {
  const writer = new MarkdownZipWriter(opts.root);
  await mapChunked(articles, (a) => writer.article(a, lookup), opts);
  writer.end();
  return joinBytes(writer.take());
}

/** The reading list's heading, `title` in the reader's language: the file starts with it, then one line per article. */
export const readingListHead = (title = '清读 · 阅读清单'): string => `# ${title.replace(/\s+/g, ' ')}\n\n`;

/** One reading-list line (with its newline): `- [ ]` unread, `- [x]` read or archived, the day saved on the local calendar, tags as `#tag`; null without a safe URL. */
export function readingListLine(a: ReadingListRow): string | null {
  const url = safeUrl(a.url);
  if (!url) return null;
  const tags = noteTags(a.tags).map((t) => ` #${t}`).join('');
  const day = localDayOf(a.savedAt);
  return `- [${a.state === 'unread' ? ' ' : 'x'}] [${escapeLinkText(a.title.replace(/\s+/g, ' ') || url)}](${url.replace(/[()]/g, (c) => (c === '(' ? '%28' : '%29'))})${day ? ` · ${day}` : ''}${tags}\n`;
}

/** A single Markdown file of links (see `readingListLine`) under `title`. */
export function readingListMarkdown(articles: readonly ReadingListRow[], title?: string): string {
  return readingListHead(title) + articles.map(readingListLine).join('');
}
