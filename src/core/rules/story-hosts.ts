/**
 * Mirrors of one site: hosts a rule's `canonical.storyHosts` says serve one
 * story at the same path (FT中文网 at www.ftchinese.com, and at cn.ft.com as
 * feed mirrors link it). Article ids are keyed by the first host of the group,
 * so one story is one library entry whichever host it was read on. Read from
 * the rule files as they are, like site-names.ts, so storage takes in no
 * validator; the rule tests keep the field valid.
 */
import { BUILTIN_RULE_SOURCES } from './builtin';

function storyHostTable(): ReadonlyMap<string, string> {
  const table = new Map<string, string>();
  for (const { data } of BUILTIN_RULE_SOURCES) {
    const hosts: unknown = (data as { canonical?: { storyHosts?: unknown } }).canonical?.storyHosts;
    if (!Array.isArray(hosts) || typeof hosts[0] !== 'string') continue;
    for (const host of hosts) if (typeof host === 'string' && !table.has(host)) table.set(host, hosts[0]);
  }
  return table;
}

/** Each mirror host (the first of its group included) mapped to the host its stories are keyed by. */
export const STORY_HOSTS: ReadonlyMap<string, string> = storyHostTable();
