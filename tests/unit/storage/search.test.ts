import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { Library } from '../../../src/storage/library';
import { DB_VERSION } from '../../../src/storage/schema';
import { buildSearchRecord, normalizeForSearch, queryTerms, TextIndex } from '../../../src/storage/search-text';
import { linkRecord } from '../../../src/library/transfer-plan';
import { generateChineseArticles } from '../../bench/storage-fixtures';
import { article, freshLibrary, NOW, rawGetAll, rawOpen } from './helpers';

const find = (index: TextIndex, query: string) => index.find(queryTerms(query)).map((h) => h.id);

describe('normalizeForSearch', () => {
  it('folds width, case and script and collapses whitespace', () => {
    expect(normalizeForSearch('  ＦＴ中文網\n\tReader　Mode ')).toBe('ft中文网 reader mode');
    expect(queryTerms('  Reader  reader 清读 ')).toEqual([['reader'], ['清读']]);
  });

  it('finds an apostrophe typed or typeset, either way', () => {
    const index = new TextIndex();
    index.set('typeset', normalizeForSearch('How Anbang’s Wu lost out on Starwood'), 0);
    index.set('typed', normalizeForSearch("Britain's economy slows"), 0);
    expect(find(index, "Anbang's")).toEqual(['typeset']);
    expect(find(index, 'Anbang’s')).toEqual(['typeset']);
    expect(find(index, 'Britain’s economy')).toEqual(['typed']);
    expect(queryTerms("it's reader")).toEqual([["it's", 'it’s'], ['reader']]);
  });

  it('takes a term written in either script once', () => {
    expect(queryTerms('後來 后来 頭髮')).toEqual([['后来'], ['头发']]);
  });
});

describe('buildSearchRecord', () => {
  it('puts the standfirst and the byline after the body, the title alone at the start', () => {
    const record = buildSearchRecord('a', { title: '經濟', textContent: '正文。', lead: ' 導語 ', byline: 'Martin WOLF' }, NOW.toISOString(), 3);
    expect(record).toEqual({ id: 'a', text: '经济 正文。 导语 martin wolf', titleLength: 2, savedAt: NOW.getTime(), rev: 3 });
    // Nothing for a field that is missing, empty or not text.
    expect(buildSearchRecord('a', { title: 'T', textContent: 'b', lead: '  ', byline: null }, '', 0).text).toBe('t b');
    expect(buildSearchRecord('a', { title: 'T', textContent: 'b', lead: 7 as unknown as string }, '', 0).text).toBe('t b');
  });
});

describe('TextIndex', () => {
  const index = new TextIndex();
  index.set('a', normalizeForSearch('人民币 今天，人民币对美元汇率继续走强，市场预计央行将维持利率不变。'), 3);
  index.set('b', normalizeForSearch('Readers of the FT prefer a calm reading mode. 清读让阅读更安静。'), 0);
  index.set('c', normalizeForSearch('Bread and butter: 面包与黄油的经济学'), 0);

  it('finds a 2-character Chinese phrase in the middle of a sentence', () => {
    expect(find(index, '汇率')).toEqual(['a']);
    expect(find(index, '安静')).toEqual(['b']);
    expect(find(index, '预计央')).toEqual(['a']);
  });

  it('finds English words by case-insensitive prefix, not in the middle of a word', () => {
    expect(find(index, 'READ')).toEqual(['b']);
    expect(find(index, 'reading')).toEqual(['b']);
    expect(find(index, 'bread')).toEqual(['c']);
    expect(find(index, 'utter')).toEqual([]);
  });

  it('requires every term', () => {
    expect(find(index, 'calm 清读')).toEqual(['b']);
    expect(find(index, 'calm 汇率')).toEqual([]);
    expect(find(index, '   ')).toEqual([]);
  });

  it('reports title hits', () => {
    expect(index.find(['人民币'])).toEqual([{ id: 'a', inTitle: true }]);
    expect(index.find(['汇率'])).toEqual([{ id: 'a', inTitle: false }]);
  });

  it('never matches across two articles', () => {
    const i = new TextIndex();
    i.set('x', '结尾是中', 0);
    i.set('y', '国开头', 0);
    expect(find(i, '中国')).toEqual([]);
  });

  it('stays correct through updates, removals and reused slots', () => {
    const i = new TextIndex();
    const articles = generateChineseArticles(600, { seed: 7 });
    articles.forEach((a, n) => i.set(`id${n}`, normalizeForSearch(`${a.textContent} 标记${n}号`), 0));
    expect(i.size).toBe(600);
    expect(find(i, '标记0号')).toEqual(['id0']);
    expect(find(i, '标记599号')).toEqual(['id599']);
    expect(find(i, '标记300号')).toEqual(['id300']);
    i.set('id300', '换了内容', 0);
    i.delete('id0');
    expect(find(i, '标记300号')).toEqual([]);
    expect(find(i, '换了')).toEqual(['id300']);
    expect(find(i, '标记0号')).toEqual([]);
    expect(find(i, '标记1号')).toEqual(['id1']);
    expect(find(i, '标记598号')).toEqual(['id598']);
    expect(find(i, '标记').length).toBe(598); // 600, less one removed, less one rewritten
    i.set('new', '新来的文章占用空出的位置', 4);
    expect(i.size).toBe(600);
    expect(find(i, '空出')).toEqual(['new']);
    expect(i.find(['新来'])).toEqual([{ id: 'new', inTitle: true }]);
  });
});

describe('TextIndex with term forms', () => {
  // Words the two scripts write with other characters, which folding leaves apart: 复苏 and 復甦, 了解 and 瞭解.
  const forms = (term: string) => ({ 复苏: ['复苏', '復甦'], 了解: ['了解', '瞭解'] })[term] ?? [term];
  const index = new TextIndex();
  index.set('hant', normalizeForSearch('經濟復甦 投資人希望瞭解央行的想法'), 4);
  index.set('hans', normalizeForSearch('经济复苏 投资者希望了解央行的想法'), 4);

  it('matches a term in any of its forms', () => {
    expect(find(index, '复苏')).toEqual(['hans']);
    expect(find(index, '復甦')).toEqual(['hant']);
    expect(index.find(queryTerms('复苏', forms)).map((h) => h.id)).toEqual(['hant', 'hans']);
  });

  it('requires every term, each in any of its forms', () => {
    expect(index.find(queryTerms('复苏 瞭解', forms)).map((h) => h.id)).toEqual(['hant']);
    expect(index.find(queryTerms('复苏 了解', forms)).map((h) => h.id)).toEqual(['hant', 'hans']);
    expect(index.find(queryTerms('复苏 投资者', forms)).map((h) => h.id)).toEqual(['hans']);
  });

  it('reports a title hit when any form of the first term is in the title', () => {
    const i = new TextIndex();
    // The first form occurs first in the text, the other one in the title.
    i.set('a', normalizeForSearch('復甦 经济复苏'), 2);
    i.set('b', normalizeForSearch('标题 正文里的复苏'), 2);
    expect(i.find(queryTerms('复苏', forms))).toEqual([
      { id: 'a', inTitle: true },
      { id: 'b', inTitle: false },
    ]);
  });
});

describe('Library.search', () => {
  it('searches titles and full text, title hits first, then newest first', async () => {
    const { library } = freshLibrary();
    const old = await library.save(article('https://e.com/1', { title: '旧闻', textContent: '北京的天气转晴，空气质量改善。' }), { now: NOW });
    const recent = await library.save(article('https://e.com/2', { title: '新闻', textContent: '上海天气多云。' }), {
      now: new Date(NOW.getTime() + 1000),
    });
    const titled = await library.save(article('https://e.com/3', { title: '天气预报', textContent: '明天有雨。' }), { now: NOW });
    expect(await library.search('天气')).toEqual([titled.id, recent.id, old.id]);
    expect(await library.search('空气')).toEqual([old.id]);
    expect(await library.search('')).toEqual([]);
  });

  it('follows saves, re-saves and removals in the same instance', async () => {
    const { library } = freshLibrary();
    const a = await library.save(article('https://e.com/a', { textContent: '第一版正文' }));
    expect(await library.search('第一版')).toEqual([a.id]);
    await library.save(article('https://e.com/a', { textContent: '第二版正文' }));
    expect(await library.search('第一版')).toEqual([]);
    expect(await library.search('第二版')).toEqual([a.id]);
    await library.remove(a.id);
    expect(await library.search('第二版')).toEqual([]);
  });

  it('two writers in turn keep the revision moving forward, and a reader sees every write', async () => {
    const factory = new IDBFactory();
    const [one, two, reader] = [new Library({ factory }), new Library({ factory }), new Library({ factory })];
    await reader.prepareSearch();
    const a = await one.save(article('https://e.com/a', { textContent: '第一篇' }));
    const b = await two.save(article('https://e.com/b', { textContent: '第二篇' }));
    const c = await one.save(article('https://e.com/c', { textContent: '第三篇' }));
    const a2 = await two.save(article('https://e.com/a', { textContent: '第一篇改' }));
    expect(new Set(await reader.search('篇'))).toEqual(new Set([a.id, b.id, c.id]));
    expect(await reader.search('第一篇改')).toEqual([a2.id]);
    expect(a2.savedAt).toBe(a.savedAt);
    const db = await rawOpen(factory, DB_VERSION);
    // The new database starts at revision 1; four saves later it is at 5.
    expect(await rawGetAll(db, 'meta')).toEqual([5]);
    // Each article has search text of its own, last written by the save that wrote it: a by the fourth.
    const texts = (await rawGetAll(db, 'searchSegments')) as { rev: number; rows: { id: string }[] }[];
    expect(new Map(texts.map((segment) => [segment.rows[0]?.id, segment.rev]))).toEqual(new Map([[a.id, 5], [b.id, 3], [c.id, 4]]));
    db.close();
    await Promise.all([one.close(), two.close(), reader.close()]);
  });

  it('a second context (a library page) sees what the background wrote', async () => {
    const factory = new IDBFactory();
    const background = new Library({ factory });
    const page = new Library({ factory });
    const a = await background.save(article('https://e.com/a', { textContent: '苹果发布新手机' }));
    expect(await page.search('手机')).toEqual([a.id]);

    const b = await background.save(article('https://e.com/b', { textContent: '另一部手机' }));
    await background.save(article('https://e.com/a', { textContent: '苹果发布新电脑' }));
    expect(await page.search('手机')).toEqual([b.id]);
    expect(await page.search('电脑')).toEqual([a.id]);

    await background.remove(b.id);
    expect(await page.search('手机')).toEqual([]);
    await Promise.all([background.close(), page.close()]);
  });

  it('finds every Traditional spelling of a Simplified character, and Simplified text from Traditional', async () => {
    const { library } = freshLibrary();
    const texts: [string, string][] = [
      ['護髮指南', '她每天早上洗頭髮，之後用吹風機吹乾。'],
      ['王后的生日', '英國王后出席了儀式，皇后大道上人很多。'],
      ['牛肉麵', '這家麵店的麵條很有名，店面不大。'],
      ['幹部作風', '黨的幹部要保持清廉，乾淨的作風最重要。'],
      ['會議裏的爭論', '房間裡面很安靜，會議裏卻爭論不休。'],
      ['颱風登陸臺灣', '氣象局說，颱風將在臺灣東部登陸。'],
      ['中美關係', '兩國保持聯繫，但雙邊關係十分複雜，經濟恢復緩慢。'],
      ['歷史與日曆', '這本日曆記錄了一段歷史。'],
      ['鐘錶匠', '鍾先生修理鐘錶已經四十年。'],
      ['头发与后来', '后来她剪短了头发，吃了一碗面条。'],
    ];
    const ids: string[] = [];
    for (const [k, [title, textContent]] of texts.entries()) {
      ids.push((await library.save(article(`https://e.com/${k}`, { title, textContent }), { now: new Date(NOW.getTime() + k * 1000) })).id);
    }
    const [hair, queen, noodles, cadres, inside, typhoon, relations, history, clock, hans] = ids;
    const expectations: [string, (string | undefined)[]][] = [
      ['头发', [hans, hair]], // 髮, not OpenCC's 發
      ['之后', [hair]], // 後
      ['王后', [queen]], // 后 stays 后
      ['皇后', [queen]],
      ['面条', [hans, noodles]], // 麵
      ['店面', [noodles]], // 面
      ['吹干', [hair]], // 乾
      ['干净', [cadres]],
      ['干部', [cadres]], // 幹
      ['里面', [inside]], // Taiwan's 裡
      ['会议里', [inside]], // FT big5's 裏
      ['台风', [typhoon]], // 颱
      ['台湾', [typhoon]], // 臺
      ['关系', [relations]], // 係
      ['联系', [relations]], // 繫
      ['复杂', [relations]], // 複
      ['恢复', [relations]], // 復
      ['历史', [history]], // 歷
      ['日历', [history]], // 曆
      ['钟表', [clock]], // 鐘
      ['钟先生', [clock]], // 鍾
      // And the other way: Traditional queries find the Simplified article.
      ['頭髮', [hans, hair]],
      ['後來', [hans]],
      ['麵條', [hans, noodles]],
    ];
    for (const [query, expected] of expectations) expect(await library.search(query), query).toEqual(expected);
  });

  it('finds an article by a phrase of its standfirst, in either script, or by its author', async () => {
    const { library } = freshLibrary();
    // FT's big5 edition: the standfirst and the author in Traditional, apart from the body.
    const hant = await library.save(
      article('https://big5.ftchinese.com/story/001100001', {
        title: '中國經濟的下一步', lang: 'zh-TW', lead: '房地產市場低迷之際，北京能否提振內需？', byline: '瑪蒂娜·斯蒂文斯', textContent: '分析師認為，消費仍然疲弱。',
      }),
      { now: NOW },
    );
    const hans = await library.save(
      article('https://www.ftchinese.com/story/001100002', {
        title: '欧洲央行按兵不动', lead: '通胀回落后，降息的时机仍有争议。', byline: 'FT中文网专栏作家 吴晓波', textContent: '欧元区的工资增长依然强劲。',
      }),
      { now: new Date(NOW.getTime() + 1000) },
    );
    expect(await library.search('房地产市场')).toEqual([hant.id]);
    expect(await library.search('提振內需')).toEqual([hant.id]);
    expect(await library.search('玛蒂娜')).toEqual([hant.id]);
    expect(await library.search('降息的时机')).toEqual([hans.id]);
    expect(await library.search('通脹回落後')).toEqual([hans.id]);
    expect(await library.search('吴晓波')).toEqual([hans.id]);
    expect(await library.search('吳曉波')).toEqual([hans.id]);
    // With a word of the body, as two terms.
    expect(await library.search('专栏作家 工资')).toEqual([hans.id]);
    // The reader's standfirst changed with a re-save: the old one is found no more.
    await library.save({ ...(await library.getBody(hans.id))!, lead: '市场等待六月的决定。' });
    expect(await library.search('降息的时机')).toEqual([]);
    expect(await library.search('六月的决定')).toEqual([hans.id]);
  });

  it('a title hit still ranks before a hit in a standfirst, a byline or a body, which stay newest first', async () => {
    const { library } = freshLibrary();
    const at = (s: number) => ({ now: new Date(NOW.getTime() + s * 1000) });
    const titled = await library.save(article('https://e.com/t', { title: '人工智能的泡沫', textContent: '投资者担心估值过高。' }), at(0));
    const led = await library.save(article('https://e.com/l', { title: '芯片之争', lead: '人工智能需要更多的芯片。', textContent: '美国收紧出口管制。' }), at(1));
    const bylined = await library.save(article('https://e.com/b', { title: '科技周评', byline: '人工智能编辑部', textContent: '本周要闻。' }), at(2));
    const body = await library.save(article('https://e.com/x', { title: '市场综述', textContent: '人工智能股票下跌。' }), at(3));
    expect(await library.search('人工智能')).toEqual([titled.id, body.id, bylined.id, led.id]);
    expect(await library.search('人工智能 芯片')).toEqual([led.id]);
  });

  it('finds imported links by the description kept as their lead, and merged and restored articles by theirs', async () => {
    const { library } = freshLibrary();
    const url = 'https://www.ftchinese.com/story/001100003';
    const id = library.idForUrl(url);
    const link = linkRecord({ kind: 'link', url, title: '稀土出口', tags: [], state: 'unread', savedAt: NOW.toISOString(), lead: '一份關於稀土供應鏈的書籤說明' }, id);
    await library.importRecords([{ ...link, isNew: true }]);
    expect(await library.search('稀土供应链')).toEqual([id]);
    // A newer copy of the link merges into the stored one and brings its own description.
    const later = new Date(NOW.getTime() + 60_000).toISOString();
    await library.importRecords([linkRecord({ kind: 'link', url, title: '稀土出口', tags: [], state: 'unread', savedAt: later, lead: '第二段说明' }, id)].map((r) => ({ ...r, updatedAt: later })));
    expect(await library.search('第二段说明')).toEqual([id]);
    expect(await library.search('供应链')).toEqual([]);
    // Undoing a delete brings the standfirst back into the search.
    const removed = await library.remove(id);
    expect(await library.search('第二段说明')).toEqual([]);
    await library.restore(removed!);
    expect(await library.search('第二段说明')).toEqual([id]);
  });

  it('searches each term in the forms given for it', async () => {
    const { library } = freshLibrary();
    const hant = await library.save(article('https://e.com/t', { title: '經濟復甦', textContent: '川普稱美國經濟已經復甦。' }), { now: NOW });
    const hans = await library.save(article('https://e.com/s', { title: '复苏之路', textContent: '一部关于美国经济的书。' }), {
      now: new Date(NOW.getTime() + 1000),
    });
    const forms = (term: string) => (term === '复苏' ? ['复苏', '復甦'] : [term]);
    expect(await library.search('复苏', forms)).toEqual([hans.id, hant.id]);
    expect(await library.search('复苏 川普', forms)).toEqual([hant.id]);
    expect(await library.search('复苏')).toEqual([hans.id]);
  });
});
