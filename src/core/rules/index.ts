/**
 * The built-in site rules, validated once on load. A rule that fails
 * validation is left out whole and reported, never half-applied.
 */
import ftChinese from '../../rules/sites/ft-chinese.json';
import feedx from '../../rules/sites/feedx.json';
import flourish from '../../rules/sites/flourish.json';
import { validateRule, type RuleProblem, type SiteRule } from './schema';
import { hostMatches } from './match';

export * from './schema';
export * from './match';
export { TRANSFORM_NAMES } from './transforms';

export interface RuleSource {
  /** Where the rule came from, for problem reports (e.g. `src/rules/sites/ft-chinese.json`). */
  file: string;
  data: unknown;
}

export const BUILTIN_RULE_SOURCES: readonly RuleSource[] = [
  { file: 'src/rules/sites/ft-chinese.json', data: ftChinese },
  // Generic rules run in this order: a chart box is empty until Flourish's rule fills it, and the feed footer's trims empty boxes off the end.
  { file: 'src/rules/sites/flourish.json', data: flourish },
  { file: 'src/rules/sites/feedx.json', data: feedx },
];

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

let builtin: SiteRule[] | null = null;

/** The valid built-in rules (validated on first use, then cached). */
export function builtinRules(): SiteRule[] {
  if (!builtin) builtin = loadRules().rules;
  return builtin;
}

/** Host patterns of the rule with `id` (e.g. for a manifest's match patterns). */
export function ruleHosts(id: string, rules: readonly SiteRule[] = builtinRules()): string[] {
  return rules.find((r) => r.id === id)?.match.hosts.slice() ?? [];
}

/** True when some site-specific built-in rule covers `host`. */
export function isKnownSiteHost(host: string, rules: readonly SiteRule[] = builtinRules()): boolean {
  return rules.some((r) => !r.match.hosts.includes('*') && r.match.hosts.some((p) => hostMatches(p, host)));
}
