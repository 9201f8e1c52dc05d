/**
 * Markdown export: one `.md` per article with YAML front matter, zipped with
 * the article's images beside it, plus a reading list of links.
 *
 * turndown parses HTML with the page's DOMParser in the extension build and
 * with its bundled domino in Node, so this module needs no DOM argument.
 */
import { zipSync, type Zippable } from 'fflate';
import TurndownService from 'turndown';
import type { SavedArticle, StoredImage } from '../storage/types';
import { imageExtension, imagesOf, sniffImageType } from './images';
import type { ChunkOptions, ImageLookup } from './types';
import { mapChunked, safeFileName, safeUrl, utf8 } from './util';

/** A YAML scalar that always parses back as this exact string: JSON strings are valid YAML double-quoted scalars. */
export function yamlString(s: string): string {
  return JSON.stringify(s);
}

export function frontMatter(a: SavedArticle): string {
  const lines = [
    '---',
    `title: ${yamlString(a.title)}`,
    `url: ${yamlString(a.url)}`,
    `author: ${a.byline === null ? 'null' : yamlString(a.byline)}`,
    `published: ${a.published === null ? 'null' : yamlString(a.published)}`,
    `saved: ${yamlString(a.savedAt)}`,
    `tags: [${a.tags.map(yamlString).join(', ')}]`,
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

/** The Markdown body of one article; images map to `imagePath(url)` or keep their http(s) URL. */
export function articleMarkdown(a: SavedArticle, imagePath: (url: string) => string | undefined = () => undefined, td?: TurndownService): string {
  const service = td ?? createTurndown((src) => imagePath(src) ?? safeUrl(src));
  const body = service.turndown(a.article.contentHtml || '');
  return `${frontMatter(a)}\n# ${service.escape(a.title.replace(/\s+/g, ' '))}\n\n${body}\n`;
}

export interface MarkdownZipOptions extends ChunkOptions {
  /** Folder at the top of the zip. Default `qingdu`. */
  root?: string;
}

/**
 * A zip of `<root>/<title>.md` files with images in `<root>/<title>/NN.ext`
 * (links rewritten relative to the .md), plus `<root>/reading-list.md`.
 */
export async function exportMarkdownZip(articles: readonly SavedArticle[], lookup?: ImageLookup, opts: MarkdownZipOptions = {}): Promise<Uint8Array> {
  const root = opts.root ?? 'qingdu';
  const files: Zippable = {};
  const used = new Set<string>(['reading-list']);
  let currentImages = new Map<string, string>();
  const td = createTurndown((src) => currentImages.get(src) ?? safeUrl(src));
  await mapChunked(
    articles,
    (a) => {
      const base = safeFileName(a.title, a.id);
      let name = base;
      for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base} (${n})`;
      used.add(name.toLowerCase());
      currentImages = new Map();
      imagesOf(a, lookup).forEach((img: StoredImage, k) => {
        const type = sniffImageType(img.bytes) ?? img.type;
        const file = `${String(k + 1).padStart(2, '0')}.${imageExtension(type)}`;
        files[`${root}/${name}/${file}`] = [img.bytes, { level: 0 }];
        currentImages.set(img.url, `${name}/${file}`);
      });
      files[`${root}/${name}.md`] = utf8(articleMarkdown(a, undefined, td));
    },
    opts,
  );
  files[`${root}/reading-list.md`] = utf8(readingListMarkdown(articles));
  return zipSync(files, { level: 6 });
}

/** A single Markdown file of links: `- [ ]` unread, `- [x]` read or archived, tags as `#tag`. */
export function readingListMarkdown(articles: readonly SavedArticle[], title = '清读 · 阅读清单'): string {
  const out = [`# ${title}`, ''];
  for (const a of articles) {
    const url = safeUrl(a.url);
    if (!url) continue;
    const tags = a.tags.map((t) => ` #${t.replace(/\s+/g, '_')}`).join('');
    const day = a.savedAt.slice(0, 10);
    out.push(`- [${a.state === 'unread' ? ' ' : 'x'}] [${escapeLinkText(a.title.replace(/\s+/g, ' ') || url)}](${url.replace(/[()]/g, encodeURIComponent)}) · ${day}${tags}`);
  }
  return out.join('\n') + '\n';
}
