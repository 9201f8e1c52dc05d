/**
 * Site rules and their validation. A rule that fails validation is left out
 * whole and reported, never half-applied; the built-in ones are checked by the
 * build and the tests.
 */
import { BUILTIN_RULE_SOURCES, type RuleSource } from './builtin';
import { validateRule, type RuleProblem, type SiteRule } from './schema';
import { hostMatches } from './match';

export * from './schema';
export * from './match';
export * from './builtin';
export { siteNameOf } from './site-names';
export { TRANSFORM_NAMES } from './transforms';

export interface LoadedRules {
  rules: SiteRule[];
  problems: RuleProblem[];
}

/** Validates `sources` (default: the built-in rules); duplicate ids are problems too. */
export function loadRules(sources: readonly RuleSource[] = BUILTIN_RULE_SOURCES, probe?: Document | null): LoadedRules {
  const rules: SiteRule[] = [];
  const problems: RuleProblem[] = [];
  for (const { file, data } of sources) {
    const v = validateRule(data, file, probe);
    if (!v.ok) problems.push(...v.problems);
    else if (rules.some((r) => r.id === v.rule.id)) problems.push({ file, field: 'id', message: `duplicate rule id ${v.rule.id}` });
    else rules.push(v.rule);
  }
  return { rules, problems };
}

/**
 * The built-in rules. They are validated by the build, which fails on a bad one (src/build/rules-plugin.ts),
 * and by the unit tests, so the scripts that run them carry no validator.
 */
export function builtinRules(): SiteRule[] {
  return BUILTIN_RULE_SOURCES.map((source) => source.data as SiteRule);
}

/** Host patterns of the rule with `id` (e.g. for a manifest's match patterns). */
export function ruleHosts(id: string, rules: readonly SiteRule[] = builtinRules()): string[] {
  return rules.find((r) => r.id === id)?.match.hosts.slice() ?? [];
}

/** True when some site-specific built-in rule covers `host`. */
export function isKnownSiteHost(host: string, rules: readonly SiteRule[] = builtinRules()): boolean {
  return rules.some((r) => !r.match.hosts.includes('*') && r.match.hosts.some((p) => hostMatches(p, host)));
}
