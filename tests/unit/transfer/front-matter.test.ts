/**
 * The Markdown export's front matter read back by a YAML parser, as Obsidian
 * and static-site tools read it: every field comes back exactly, whatever
 * the title or author hold, and tags come back as tags Obsidian takes.
 */
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportMarkdownZip, frontMatter, readingListLine } from '../../../src/transfer/index';
import { makeArticle, makeImageLookup, makeLibrary } from './helpers';

/** The YAML between the first two `---` lines of a Markdown file. */
function yamlOf(markdown: string): unknown {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(markdown);
  if (!match) throw new Error(`no front matter in ${markdown.slice(0, 80)}`);
  return parse(match[1] as string);
}

/** Strings YAML gives a meaning of its own when they are left bare, and characters that end or escape its scalars. */
const HOSTILE = [
  'yes', 'No', 'null', '~', '123', '0x1F', '1e3', '2026-11-25', '.inf', '@handle', '`tick', '*anchor', '&ref', '!tag', '%directive',
  '- item', '? key', 'a: b', 'a #comment', '# heading', '---', '...', '"quoted"', "it's", 'back\\slash', 'tab\there', 'line\nbreak',
  'crlf\r\nend', '=SUM(A1)', '中文标题：冒号与“引号”', '😀 emoji 𠀋', '\u2028line separator', 'bom\ufeffinside', 'nel\u0085char', '  padded  ', '',
];

/** Obsidian's tag characters: letters, digits, `_`, `-`, `/` and emoji, and not digits alone (#1984 is no tag). */
const OBSIDIAN_TAG = /^(?!\p{N}+$)[\p{L}\p{N}\p{M}_\-/\p{Extended_Pictographic}\p{Regional_Indicator}\p{Emoji_Modifier}\u200d]+$/u;

describe('Markdown front matter', () => {
  it.each(HOSTILE)('%j comes back exactly as title and author, and as an Obsidian tag', (text) => {
    const a = { ...makeArticle(1), title: text, byline: text, tags: [text, '经济'] };
    const yaml = yamlOf(frontMatter(a)) as { tags: string[] };
    expect(yaml).toEqual({
      title: text, url: a.url, author: text, published: a.published, saved: a.savedAt, tags: expect.any(Array), state: a.state, lang: a.lang,
    });
    expect(yaml.tags).toContain('经济');
    for (const tag of yaml.tags) expect(tag).toMatch(OBSIDIAN_TAG);
  });

  it('writes tags as Obsidian reads them: no spaces or punctuation, each once, none empty', () => {
    const a = { ...makeArticle(2), tags: ['machine learning', 'machine  learning', '#科技', 'R&D', 'FT/中国', '经济, 政治', '  ', '+++', '🇨🇳 news'] };
    expect((yamlOf(frontMatter(a)) as { tags: string[] }).tags).toEqual(['machine_learning', '科技', 'R_D', 'FT/中国', '经济_政治', '🇨🇳_news']);
  });

  it('writes a tag of digits alone, which Obsidian would not take, with a _ before it, in the notes and the reading list', () => {
    const a = { ...makeArticle(3), tags: ['2024', '１９８４', 'G20', '2024-25'] };
    expect((yamlOf(frontMatter(a)) as { tags: string[] }).tags).toEqual(['_2024', '_１９８４', 'G20', '2024-25']);
    expect(readingListLine(a)).toMatch(/ #_2024 #_１９８４ #G20 #2024-25\n$/);
  });

  it('writes null for a missing author and date', () => {
    const a = { ...makeArticle(4), byline: null, published: null };
    expect(yamlOf(frontMatter(a))).toMatchObject({ author: null, published: null });
  });

  it('parses in every file of a Markdown zip', async () => {
    const zip = unzipSync(await exportMarkdownZip(makeLibrary(30, { images: true }), makeImageLookup()));
    const files = Object.entries(zip).filter(([name]) => name.endsWith('.md') && !name.endsWith('reading-list.md'));
    expect(files).toHaveLength(30);
    for (const [, bytes] of files) expect(yamlOf(strFromU8(bytes))).toHaveProperty('title');
  });
});
