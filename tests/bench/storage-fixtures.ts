/**
 * Realistic Chinese articles for storage benchmarks and tests: ~5 KB (UTF-8)
 * bodies of news-like sentences, deterministic for a given seed.
 */
import type { Article } from '../../src/core/types';

// Common words weighted the way news prose uses them; the first are the most frequent.
const WORDS = (
  '的 是 在 了 和 有 也 不 这 中国 经济 市场 政府 公司 美国 发展 问题 企业 投资 增长 ' +
  '政策 银行 国际 去年 今年 记者 表示 认为 可能 已经 目前 通过 进行 成为 继续 需要 ' +
  '北京 上海 香港 欧洲 日本 全球 世界 社会 技术 科技 人工智能 数据 消费者 价格 通胀 ' +
  '利率 央行 房地产 出口 贸易 关税 供应链 制造业 能源 气候 电动汽车 电池 芯片 半导体 ' +
  '监管 法律 改革 风险 债务 财政 预算 就业 工资 收入 教育 医疗 人口 城市 农村 旅游 ' +
  '文化 历史 选举 总统 总理 部长 官员 专家 分析师 投资者 股市 债券 汇率 人民币 美元 ' +
  '季度 报告 数据显示 百分之 同比 环比 下降 上升 显著 明显 预计 未来 长期 短期 压力 ' +
  '合作 竞争 谈判 协议 会议 声明 采访 调查 研究 大学 学者 读者 编辑 评论 观点'
).split(' ');
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

function sentence(rand: () => number): string {
  let s = '';
  const words = 8 + Math.floor(rand() * 14);
  for (let i = 0; i < words; i++) {
    s += rand() < 0.02 ? pick(LATIN, rand) : pick(WORDS, rand);
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
    const paragraphs: string[] = [];
    let size = 0;
    while (size < target) {
      let p = '';
      const sentences = 2 + Math.floor(rand() * 4);
      for (let i = 0; i < sentences; i++) p += sentence(rand);
      paragraphs.push(p);
      size += approxBytes(p);
    }
    const title = sentence(rand).slice(0, 12 + Math.floor(rand() * 10)).replace(/[，。；、]+$/, '');
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
