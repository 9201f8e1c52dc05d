/**
 * Which rules apply to a URL. Hosts match on whole DNS labels, never by
 * substring: `ft.com` does not match `microsoft.com` or `notft.com`.
 *
 * Precedence (most specific first): exact host, then `*.suffix` patterns by
 * suffix length, then the generic `*` rules. Site-specific rules and generic
 * rules are both applied; only one site-specific rule wins.
 */
import type { SiteRule } from './schema.ts';

/** Score of a host pattern against a host: -1 = no match, 0 = `*`, higher = more specific. */
export function hostScore(pattern: string, host: string): number {
  const h = host.toLowerCase().replace(/\.$/, '');
  const p = pattern.toLowerCase();
  if (p === '*') return 0;
  if (p.startsWith('*.')) {
    const base = p.slice(2);
    return h === base || h.endsWith(`.${base}`) ? base.length : -1;
  }
  return h === p ? 1000 + p.length : -1;
}

export function hostMatches(pattern: string, host: string): boolean {
  return hostScore(pattern, host) >= 0;
}

function ruleScore(rule: SiteRule, url: URL): number {
  const score = Math.max(-1, ...rule.match.hosts.map((p) => hostScore(p, url.hostname)));
  if (score < 0) return -1;
  const paths = rule.match.paths;
  if (paths && !paths.some((re) => new RegExp(re).test(url.pathname))) return -1;
  return score;
}

/** Every rule that applies to `url`, most specific first (generic `*` rules last). */
export function matchRules(url: string, rules: readonly SiteRule[]): SiteRule[] {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return rules.filter((r) => r.match.hosts.includes('*'));
  }
  return rules
    .map((rule) => ({ rule, score: ruleScore(rule, u) }))
    .filter((x) => x.score >= 0)
    .sort((a, b) => b.score - a.score)
    .map((x) => x.rule);
}

/** The one site-specific rule for `url` (generic `*` rules excluded), or null. */
export function matchRule(url: string, rules: readonly SiteRule[]): SiteRule | null {
  return matchRules(url, rules).find((r) => !r.match.hosts.includes('*')) ?? null;
}
