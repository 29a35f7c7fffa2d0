/** CATALOG_SOURCES / TEMPLATE_SOURCES / ORG_SOURCES items and the per-source kind rules (issues 11, 13). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { orgSourceKeys, parseSourceItem, splitSourceItems } from '../../src/config/sources.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
};

describe('source items', () => {
  it('rejects ftp://x and an empty item at start-up, naming the item', () => {
    expect(problemsOf({ CATALOG_SOURCES: './catalog,ftp://x' })).toEqual([expect.stringMatching(/^CATALOG_SOURCES: item 2 "ftp:\/\/x" "ftp:\/\/" is not a supported source/)]);
    expect(problemsOf({ CATALOG_SOURCES: './a,,./b' })).toEqual([expect.stringMatching(/^CATALOG_SOURCES: item 2 \(empty: two commas in a row/)]);
    expect(problemsOf({ TEMPLATE_SOURCES: 'github:-bad-' })).toEqual([expect.stringMatching(/^TEMPLATE_SOURCES: item 1 "github:-bad-"/)]);
    expect(problemsOf({ CATALOG_SOURCES: './org?kinds=' })).toEqual([expect.stringMatching(/^CATALOG_SOURCES: item 1 .*must list kind names/)]);
    expect(problemsOf({ CATALOG_SOURCES: '' })).toEqual([]);
  });

  it('accepts folders, Git URLs and organisations, with ?kinds= kept inside its item', () => {
    const items = splitSourceItems('./catalog, github:acme?kinds=User,Group&path=x.yaml,https://git.example/r.git?kinds=Component,Group#main, git@host:o/r.git,./Group');
    expect(items).toEqual(['./catalog', 'github:acme?kinds=User,Group&path=x.yaml', 'https://git.example/r.git?kinds=Component,Group#main', 'git@host:o/r.git', './Group']);
    expect(items.map((i) => parseSourceItem(i)).map(({ spec, type, kinds }) => ({ spec, type, kinds }))).toEqual([
      { spec: './catalog', type: 'folder', kinds: undefined },
      { spec: 'github:acme?path=x.yaml', type: 'github', kinds: ['User', 'Group'] },
      { spec: 'https://git.example/r.git#main', type: 'git', kinds: ['Component', 'Group'] },
      { spec: 'git@host:o/r.git', type: 'git', kinds: undefined },
      { spec: './Group', type: 'folder', kinds: undefined },
    ]);
  });

  it('bars organisations from User and Group unless ?kinds= allows them; folders and repositories declare every kind', () => {
    const rule = (item: string) => parseSourceItem(item).rule;
    expect(['user', 'Group', 'Component', 'Template'].map((k) => rule('github:acme').allows(k))).toEqual([false, false, true, true]);
    expect(['User', 'Group'].map((k) => rule('gitlab:acme').allows(k))).toEqual([false, false]);
    expect(['User', 'Group', 'Component'].map((k) => rule('github:acme?kinds=User,Group').allows(k))).toEqual([true, true, false]);
    expect(['User', 'Group', 'Widget'].every((k) => rule('./org').allows(k) && rule('https://git.example/people.git').allows(k))).toBe(true);
  });

  it('reads people from the sources allowed to declare them by default, or from ORG_SOURCES', () => {
    const config = { CATALOG_SOURCES: ['./org', 'github:acme', 'github:people?kinds=User,Group'], TEMPLATE_SOURCES: [] };
    expect([...orgSourceKeys(config)]).toEqual(['./org', 'github:people']);
    expect([...orgSourceKeys({ ...config, ORG_SOURCES: ['./org/'] })]).toEqual(['./org']);
    expect(problemsOf({ CATALOG_SOURCES: './org,github:acme', ORG_SOURCES: 'github:acme' })).toEqual([expect.stringMatching(/ORG_SOURCES: "github:acme" may not declare User or Group/)]);
    expect(problemsOf({ CATALOG_SOURCES: './org', ORG_SOURCES: './elsewhere' })).toEqual([expect.stringMatching(/ORG_SOURCES: ".\/elsewhere" is not one of CATALOG_SOURCES/)]);
  });

  it('never throws anything but a clear item error, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        for (const item of splitSourceItems(text)) {
          try {
            const parsed = parseSourceItem(item);
            expect(parsed.spec).not.toMatch(/kinds=/i);
          } catch (e) {
            expect((e as Error).message.length).toBeGreaterThan(0);
          }
        }
        const problems = problemsOf({ CATALOG_SOURCES: text });
        for (const p of problems) expect(p).toMatch(/^CATALOG_SOURCES: item \d+ /);
      }),
      { numRuns: 300 },
    );
  });
});

describe('CALLSHEET_ADMINS', () => {
  it('takes Group refs and rejects anything else', () => {
    expect(loadConfig({ CALLSHEET_ADMINS: 'platform, group:default/sre' }).CALLSHEET_ADMINS).toEqual(['platform', 'group:default/sre']);
    expect(problemsOf({ CALLSHEET_ADMINS: 'user:default/alice' })).toEqual([expect.stringMatching(/^CALLSHEET_ADMINS: "user:default\/alice" is not a Group ref/)]);
  });
});
