/**
 * Which source may declare which kinds (Backstage's `catalog.locations[].rules`). Sources that many
 * people write to (a whole `github:`/`gitlab:` organisation: every repository's writers could claim
 * to be anyone) may not declare User or Group unless their item says `?kinds=`; folders and single
 * Git repositories may declare every kind; a `gitlab-org:` source declares only User and Group. Pure: config validation and the sync both ask it.
 */

export type SourceType = 'folder' | 'git' | 'github' | 'gitlab' | 'gitlab-org' | 'backstage';

/** People and teams: identity and permission data. */
export const PEOPLE_KINDS = ['user', 'group'] as const;

export interface KindRule {
  allows(kind: string): boolean;
  /** For problems: what the rule is and how to change it. */
  describe: string;
}

export function kindRuleOf(source: { type: SourceType; kinds?: readonly string[]; spec: string }): KindRule {
  if (source.kinds) {
    const allowed = new Set(source.kinds.map((k) => k.toLowerCase()));
    return { allows: (k) => allowed.has(k.toLowerCase()), describe: `source ${source.spec} may declare only ${source.kinds.join(', ')} (its ?kinds=)` };
  }
  if (source.type === 'gitlab-org') {
    // GitLab's own groups and members: people and teams, nothing else.
    return { allows: (k) => (PEOPLE_KINDS as readonly string[]).includes(k.toLowerCase()), describe: `source ${source.spec} reads GitLab groups and members, so it declares only User and Group` };
  }
  if (source.type === 'github' || source.type === 'gitlab') {
    return {
      allows: (k) => !(PEOPLE_KINDS as readonly string[]).includes(k.toLowerCase()),
      describe: `source ${source.spec} is a whole organisation, whose repositories may not declare User or Group (add ?kinds=... naming them to allow it)`,
    };
  }
  return { allows: () => true, describe: `source ${source.spec} may declare every kind` };
}

/** Whether the source may define people at all: by default such sources are ORG_SOURCES. */
export function mayDefinePeople(rule: KindRule): boolean {
  return PEOPLE_KINDS.some((k) => rule.allows(k));
}
