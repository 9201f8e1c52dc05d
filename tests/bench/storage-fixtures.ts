/**
 * Realistic Chinese articles for storage benchmarks and tests: ~5 KB (UTF-8)
 * bodies of news-like sentences, deterministic for a given seed.
 */
import type { Article } from '../../src/core/types';

// Words every story uses, weighted the way news prose uses them (the first are the most frequent).
const COMMON = (
  '的 是 在 了 和 有 也 不 这 他们 我们 表示 认为 可能 已经 目前 通过 进行 成为 继续 需要 ' +
  '去年 今年 记者 政府 公司 市场 发展 问题 国际 全球 世界 社会 专家 分析师 报告 数据显示 ' +
  '百分之 同比 下降 上升 显著 明显 预计 未来 长期 短期 压力 合作 竞争 会议 声明 采访 调查'
).split(' ');
// Each story is about one or two topics, so topic words are found in some stories and not others.
const TOPICS = [
  '经济 增长 通胀 利率 央行 债务 财政 预算 就业 工资 收入 消费者 价格',
  '中国 北京 上海 香港 人民币 汇率 出口 贸易 关税 供应链 制造业 外资',
  '科技 技术 人工智能 数据 芯片 半导体 算法 平台 初创企业 风险投资 监管',
  '能源 气候 电动汽车 电池 石油 天然气 碳排放 光伏 风电 电网',
  '银行 投资 投资者 股市 债券 美元 基金 估值 收益率 美联储',
  '政治 选举 总统 总理 部长 官员 议会 改革 法律 外交 谈判 协议',
  '欧洲 美国 日本 英国 德国 印度 东南亚 非洲 中东 拉美',
  '教育 医疗 人口 城市 农村 住房 房地产 养老 大学 学者',
  '文化 历史 电影 音乐 旅游 美食 长城 博物馆 展览 艺术 读者 编辑',
].map((t) => t.split(' '));
const PUNCT = ['，', '，', '，', '。', '；', '、'];
const LATIN = ['AI', 'GDP', 'iPhone', 'Tesla', 'OpenAI', 'ChatGPT', 'COVID-19', 'WTO', 'Nvidia', 'BYD'];

/** Mulberry32: tiny seeded PRNG so fixtures are identical run to run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Zipf-ish pick: low indexes far more often, like real word frequencies. */
function pick<T>(list: readonly T[], rand: () => number): T {
  return list[Math.floor(list.length * rand() * rand())] as T;
}

function sentence(rand: () => number, topics: readonly string[][]): string {
  let s = '';
  const words = 8 + Math.floor(rand() * 14);
  for (let i = 0; i < words; i++) {
    const r = rand();
    s += r < 0.01 ? pick(LATIN, rand) : r < 0.55 ? pick(COMMON, rand) : pick(topics[Math.floor(rand() * topics.length)] ?? COMMON, rand);
    if (i < words - 1 && rand() < 0.12) s += pick(PUNCT.slice(0, 3), rand);
  }
  return s + (rand() < 0.85 ? '。' : '；');
}

/** UTF-8 size of mostly-CJK text: three bytes a character. */
const approxBytes = (text: string) => text.length * 3;

export interface GenerateOptions {
  /** Target body size in UTF-8 bytes. Default 5,000. */
  bodyBytes?: number;
  /** Seed for the generator. Default 1. */
  seed?: number;
  /** Base URL; articles are `${base}/story/<n>`. */
  base?: string;
}

/** Generates `count` Chinese articles of ~5 KB text each. */
export function generateChineseArticles(count: number, options: GenerateOptions = {}): Article[] {
  const target = options.bodyBytes ?? 5000;
  const base = options.base ?? 'https://www.ftchinese.com';
  const rand = prng(options.seed ?? 1);
  const articles: Article[] = [];
  for (let n = 0; n < count; n++) {
    const topics = [TOPICS[Math.floor(rand() * TOPICS.length)] ?? COMMON];
    if (rand() < 0.5) topics.push(TOPICS[Math.floor(rand() * TOPICS.length)] ?? COMMON);
    const paragraphs: string[] = [];
    let size = 0;
    while (size < target) {
      let p = '';
      const sentences = 2 + Math.floor(rand() * 4);
      for (let i = 0; i < sentences; i++) p += sentence(rand, topics);
      paragraphs.push(p);
      size += approxBytes(p);
    }
    const title = sentence(rand, topics).slice(0, 12 + Math.floor(rand() * 10)).replace(/[，。；、]+$/, '');
    const textContent = paragraphs.join('\n\n');
    articles.push({
      title,
      url: `${base}/story/${String(1_000_000 + n)}`,
      siteName: 'FT中文网',
      lang: 'zh-CN',
      lead: paragraphs[0]?.slice(0, 60) ?? null,
      leadImage: null,
      byline: '本报记者',
      translator: null,
      published: new Date(Date.UTC(2024, 0, 1) + n * 3_600_000).toISOString(),
      updated: null,
      contentHtml: paragraphs.map((p) => `<p>${p}</p>`).join(''),
      textContent,
      length: textContent.length,
      readingMinutes: Math.max(1, Math.round(textContent.length / 400)),
      partial: false,
      fullTextUrl: null,
      paywalled: false,
    });
  }
  return articles;
}
