import type { Article } from '../../../src/core/types';
import type { LibraryEntry } from '../../../src/storage/types';

export function makeArticle(patch: Partial<Article> = {}): Article {
  return {
    title: '俄罗斯表示准备军事支持白俄罗斯',
    url: 'https://www.ftchinese.com/story/001088998',
    siteName: 'FT中文网',
    lang: 'zh-CN',
    lead: '普京称已应卢卡申科要求组建一支后备执法力量。',
    leadImage: 'https://thumbor.ftacademy.cn/unsafe/hero.jpg',
    byline: '亨利•福伊 莫斯科报道',
    translator: '何黎',
    published: '2020-08-17T06:52:00Z',
    updated: null,
    contentHtml: '<p>第一段。</p><p>最后一段。</p>',
    textContent: '第一段。最后一段。',
    length: 9,
    readingMinutes: 3,
    partial: false,
    fullTextUrl: null,
    paywalled: false,
    ...patch,
  };
}

export function makeEntry(id: string, patch: Partial<LibraryEntry> = {}): LibraryEntry {
  return {
    id,
    url: `https://www.ftchinese.com/story/${id}`,
    title: `标题 ${id}`,
    siteName: 'FT中文网',
    lang: 'zh-CN',
    byline: null,
    lead: null,
    leadImage: null,
    published: null,
    savedAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    readAt: null,
    state: 'unread',
    tags: [],
    readingMinutes: 4,
    length: 1000,
    partial: false,
    progress: 0,
    linkOnly: false,
    bodyBytes: 1000,
    imageBytes: 0,
    missingImages: [],
    ...patch,
  };
}
