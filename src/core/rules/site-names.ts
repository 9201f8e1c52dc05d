/**
 * The name a site rule gives its site, for an article known only by its URL
 * (an imported bookmark, a wallabag or Pocket entry), so the library lists
 * and filters it under the same name as the articles saved from that page:
 * FT中文网, not www.ftchinese.com. It reads the rule files' `siteName`,
 * `siteNameHosts` and hosts as they are, so an importer (and its worker) takes in no validator
 * or transforms; the rule tests keep those fields valid.
 */
import { BUILTIN_RULE_SOURCES } from './builtin';
import { hostMatches } from './match';

interface NamedSite {
  siteName?: unknown;
  siteNameHosts?: unknown;
  match?: { hosts?: unknown };
}

/** The name `rule` gives its site on `host`: its edition's own name there, else its `siteName`; null when it names none. */
export function ruleSiteName(rule: NamedSite, host: string): string | null {
  const byHost: unknown = typeof rule.siteNameHosts === 'object' && rule.siteNameHosts !== null ? (rule.siteNameHosts as Record<string, unknown>)[host] : undefined;
  if (typeof byHost === 'string') return byHost;
  return typeof rule.siteName === 'string' ? rule.siteName : null;
}

/** The site rule's name for `url`'s host, else the host; null for a URL that does not parse. */
export function siteNameOf(url: string): string | null {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return null;
  }
  for (const { data } of BUILTIN_RULE_SOURCES) {
    const rule = data as NamedSite;
    const hosts: unknown[] = Array.isArray(rule.match?.hosts) ? rule.match.hosts : [];
    const name = ruleSiteName(rule, host);
    if (name !== null && hosts.some((p) => typeof p === 'string' && p !== '*' && hostMatches(p, host))) return name;
  }
  return host;
}
