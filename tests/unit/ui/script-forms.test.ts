import { beforeEach, describe, expect, it, vi } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import type { Article } from '../../../src/core/types';
import { article, freshLibrary, NOW } from '../storage/helpers';

/** Counts converter loads, and can make them fail as a missing chunk would. */
const loads = vi.hoisted(() => ({ count: 0, fail: false }));
vi.mock('../../../src/reader/convert', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/reader/convert')>();
  return {
    ...actual,
    loadConverter: (from: Parameters<typeof actual.loadConverter>[0]) => {
      loads.count++;
      return loads.fail ? Promise.reject(new Error('chunk failed to load')) : actual.loadConverter(from);
    },
    loadTraditionalSpellings: () => {
      loads.count++;
      return loads.fail ? Promise.reject(new Error('chunk failed to load')) : actual.loadTraditionalSpellings();
    },
  };
});

/** script-forms.ts keeps its converters for the page's life: each test starts from fresh copies of it and of its users. */
async function freshModules() {
  vi.resetModules();
  const [{ scriptFormsFor }, { IdbLibraryReader }] = await Promise.all([
    import('../../../src/library/script-forms'),
    import('../../../src/library/data'),
  ]);
  return { scriptFormsFor, IdbLibraryReader };
}

/** A library of `articles` (url and fields), each saved at NOW, and a reader of it with this test's modules; the ids in order. */
async function searchable(articles: [string, Partial<Article>][]): Promise<{ reader: { search(query: string): Promise<string[]> }; ids: string[] }> {
  const { IdbLibraryReader } = await freshModules();
  const factory = new IDBFactory();
  const { library: writer } = freshLibrary(factory);
  const ids: string[] = [];
  for (const [url, fields] of articles) ids.push((await writer.save(article(url, fields), { now: NOW })).id);
  await writer.close();
  return { reader: new IdbLibraryReader({ factory }), ids };
}

beforeEach(() => {
  loads.count = 0;
  loads.fail = false;
});

describe('scriptFormsFor', () => {
  it('loads no converter for a query without Han characters', async () => {
    const { scriptFormsFor } = await freshModules();
    expect(await scriptFormsFor('reader calm 123')).toBeUndefined();
    expect(loads.count).toBe(0);
  });

  it('gives each Han term its Simplified and Traditional forms, each once, and loads the converters once', async () => {
    const { scriptFormsFor } = await freshModules();
    const forms = await scriptFormsFor('纪实');
    expect(forms?.('纪实')).toEqual(['纪实', '紀實']);
    expect(forms?.('紀實')).toEqual(['紀實', '纪实']);
    expect(forms?.('纪實')).toEqual(['纪實', '纪实', '紀實']);
    // Every Traditional spelling: OpenCC's standard (FT's big5 edition), Taiwan's, Hong Kong's.
    expect(forms?.('为何')).toEqual(['为何', '爲何', '為何']);
    expect(forms?.('為何')).toEqual(['為何', '为何', '爲何']);
    expect(forms?.('群众')).toEqual(['群众', '羣衆', '群眾', '羣眾']);
    // The same in both scripts: searched once.
    expect(forms?.('人民')).toEqual(['人民']);
    expect(forms?.('reader')).toEqual(['reader']);
    await scriptFormsFor('老齡化');
    expect(loads.count).toBe(2);
  });

  it('gives only the names\' other spellings when the converters fail to load, and does not try again', async () => {
    loads.fail = true;
    const { scriptFormsFor } = await freshModules();
    expect((await scriptFormsFor('纪实'))?.('纪实')).toEqual(['纪实']);
    expect((await scriptFormsFor('川普'))?.('川普')).toEqual(['川普', '特朗普']);
    expect(loads.count).toBe(2);
  });
});

describe('library page search across Simplified and Traditional', () => {
  async function library() {
    const { IdbLibraryReader } = await freshModules();
    const factory = new IDBFactory();
    const { library: writer } = freshLibrary(factory);
    const hant = await writer.save(
      article('https://big5.ftchinese.com/interactive/200000', {
        title: '以色列-伊朗第6天紀實',
        textContent: '川普稱他「可能」或「可能不會」讓美國捲入衝突。',
        lang: 'zh-TW',
      }),
      { now: NOW },
    );
    const hans = await writer.save(
      article('https://www.ftchinese.com/story/001090562', {
        title: '老龄化困境：东京留给北京的教训',
        textContent: '日本厚生劳动省的数据显示，人口老龄化问题现在只是个不算新闻的惨淡事实。',
      }),
      { now: new Date(NOW.getTime() + 1000) },
    );
    // As FT's big5 edition prints: 爲, 裏, 峯, 羣衆, where Taiwan writes 為, 裡, 峰, 群眾.
    const big5 = await writer.save(
      article('https://big5.ftchinese.com/story/001090000', {
        title: '峯會之後',
        textContent: '會議裏，各國爲此爭論，羣衆在場外。',
        lang: 'zh-TW',
      }),
      { now: new Date(NOW.getTime() + 2000) },
    );
    await writer.close();
    return { reader: new IdbLibraryReader({ factory }), hant: hant.id, hans: hans.id, big5: big5.id };
  }

  it("finds FT's big5 spellings from Simplified and from Taiwan's Traditional", async () => {
    const { reader, big5 } = await library();
    for (const query of ['峰会', '峰會', '为此', '為此', '群众', '群眾', '会议里', '會議裡']) expect(await reader.search(query), query).toEqual([big5]);
  });

  it('finds a Traditional article by its Simplified spelling, and a Simplified one by its Traditional spelling', async () => {
    const { reader, hant, hans } = await library();
    expect(await reader.search('纪实')).toEqual([hant]);
    expect(await reader.search('紀實')).toEqual([hant]);
    expect(await reader.search('老齡化')).toEqual([hans]);
    expect(await reader.search('厚生勞動省')).toEqual([hans]);
  });

  it('takes mixed queries, and still requires every term', async () => {
    const { reader, hant, hans } = await library();
    // A term written half in each script, and terms in different scripts.
    expect(await reader.search('纪實')).toEqual([hant]);
    expect(await reader.search('紀實 川普 美国')).toEqual([hant]);
    expect(await reader.search('东京 厚生勞動省')).toEqual([hans]);
    expect(await reader.search('纪实 老龄化')).toEqual([]);
    expect(await reader.search('纪实 reader')).toEqual([]);
  });

  it('finds every Traditional character a Simplified one stands for, from the first keystroke', async () => {
    const { IdbLibraryReader } = await freshModules();
    const factory = new IDBFactory();
    const { library: writer } = freshLibrary(factory);
    const save = async (k: number, title: string, textContent: string) =>
      (await writer.save(article(`https://big5.ftchinese.com/story/00109${k}`, { title, textContent, lang: 'zh-TW' }), { now: new Date(NOW.getTime() + k * 1000) })).id;
    // OpenCC spells 发 as 發, 面 as 面, 系 as 系, 钟 as 鍾: one spelling each, where the articles use others.
    const hair = await save(1, '護髮', '她剪短了頭髮。');
    const noodles = await save(2, '牛肉麵', '這碗麵很好吃。');
    const relations = await save(3, '兩國關係', '雙方保持聯繫。');
    const clock = await save(4, '鐘樓', '鐘聲響了。');
    await writer.close();
    const reader = new IdbLibraryReader({ factory });
    expect(await reader.search('发')).toEqual([hair]);
    expect(await reader.search('面')).toEqual([noodles]);
    expect(await reader.search('系')).toEqual([relations]);
    expect(await reader.search('钟')).toEqual([clock]);
    expect(await reader.search('头发')).toEqual([hair]);
  });

  it('finds words the scripts write with other characters through the converters', async () => {
    const { IdbLibraryReader } = await freshModules();
    const factory = new IDBFactory();
    const { library: writer } = freshLibrary(factory);
    const { id } = await writer.save(article('https://big5.ftchinese.com/story/001090001', { title: '經濟復甦', textContent: '投資人希望瞭解央行的想法。', lang: 'zh-TW' }), { now: NOW });
    await writer.close();
    const reader = new IdbLibraryReader({ factory });
    expect(await reader.search('复苏')).toEqual([id]);
    expect(await reader.search('了解')).toEqual([id]);
  });

  // Taiwan's news says 紐西蘭 and 義大利 where the mainland's says 新西兰 and 意大利.
  it('finds an article by the name the other side of the strait gives a place', async () => {
    const { reader, ids: [tw, cn] } = await searchable([
      ['https://example.com/tw', { title: '紐西蘭大選', textContent: '紐西蘭的選民。', lang: 'zh-TW' }],
      ['https://example.com/cn', { title: '意大利大选', textContent: '意大利的选民。', lang: 'zh-CN' }],
    ]);
    expect(await reader.search('新西兰')).toEqual([tw]);
    expect(await reader.search('義大利 選民')).toEqual([cn]);
  });

  // FT中文网 writes 特朗普 and 泽连斯基; Taiwan's papers 川普 and 澤倫斯基.
  it('finds a name by the way the other side of the strait spells it', async () => {
    const { reader, ids: [ft, tw] } = await searchable([
      ['https://www.ftchinese.com/story/001099001', { title: '特朗普与泽连斯基会面', textContent: '特朗普说。', lang: 'zh-CN' }],
      ['https://example.com/tw-news', { title: '川普會見普丁', textContent: '川普表示。', lang: 'zh-TW' }],
    ]);
    expect((await reader.search('川普')).sort()).toEqual([ft, tw].sort());
    expect((await reader.search('特朗普')).sort()).toEqual([ft, tw].sort());
    expect(await reader.search('澤倫斯基')).toEqual([ft]);
    expect(await reader.search('普京')).toEqual([tw]);
    // A name inside a longer term keeps the rest of it.
    expect(await reader.search('川普會見')).toEqual([tw]);
    expect(await reader.search('特朗普会见')).toEqual([tw]);
  });

  it('finds a name\'s other spelling wherever it is, but not inside the everyday words that hold it (四川普通话)', async () => {
    const { reader, ids: [sichuan, tw, before, saudi] } = await searchable([
      ['https://example.com/sichuan', { title: '方言', textContent: '他说一口四川普通话。', lang: 'zh-CN' }],
      ['https://example.com/tw-news', { title: '白宮', textContent: '美國總統唐納•川普表示。', lang: 'zh-TW' }],
      // A name right after another character (前川普政府, 北京向川普施壓), which a word segmenter glued to it.
      ['https://example.com/former', { title: '前川普政府官員', textContent: '北京向川普施壓。', lang: 'zh-TW' }],
      ['https://example.com/saudi', { title: '石油', textContent: '中东期待沙特阿拉伯制衡。', lang: 'zh-CN' }],
    ]);
    expect((await reader.search('特朗普')).sort()).toEqual([tw, before].sort());
    // The name as typed is still found anywhere.
    expect(await reader.search('川普')).toContain(sichuan);
    expect(await reader.search('沙烏地')).toEqual([saudi]);
  });

  it('still finds the other script when the converters fail to load', async () => {
    loads.fail = true;
    const { reader, hant } = await library();
    expect(await reader.search('紀實')).toEqual([hant]);
    expect(await reader.search('纪实')).toEqual([hant]);
    expect(await reader.search('美国')).toEqual([hant]);
  });
});
