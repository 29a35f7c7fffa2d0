import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { teamsConfigProblems } from '../../src/config/teams.js';

describe('Teams configuration', () => {
  it('reads the Microsoft app settings with MultiTenant as default', () => {
    const config = loadConfig({ MICROSOFT_APP_ID: 'app', MICROSOFT_APP_PASSWORD: 'secret' });
    expect(config).toMatchObject({ MICROSOFT_APP_ID: 'app', MICROSOFT_APP_TYPE: 'MultiTenant', TEAMS_ALLOW_UNAUTHENTICATED: false, TEAMS_IDENTITY_TTL: 86_400_000 });
    expect(teamsConfigProblems(config)).toEqual([]);
  });

  it('names the variable when a value is malformed', () => {
    expect(() => loadConfig({ MICROSOFT_APP_TYPE: 'Cloud' })).toThrow(/MICROSOFT_APP_TYPE: expected MultiTenant, SingleTenant or UserAssignedMSI/);
    expect(() => loadConfig({ TEAMS_OPENID_METADATA_URL: 'not a url' })).toThrow(ConfigError);
  });

  it('refuses unauthenticated Teams in production and incomplete app types', () => {
    const problemsOf = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (e) {
        return (e as ConfigError).problems;
      }
    };
    expect(problemsOf({ TEAMS_ALLOW_UNAUTHENTICATED: 'true', NODE_ENV: 'production' })).toEqual(['TEAMS_ALLOW_UNAUTHENTICATED: unauthenticated Teams requests are allowed only when NODE_ENV is development or test (it is "production")']);
    expect(teamsConfigProblems(loadConfig({ TEAMS_ALLOW_UNAUTHENTICATED: 'true' }))).toEqual([]);
    expect(problemsOf({ MICROSOFT_APP_ID: 'a', MICROSOFT_APP_TYPE: 'SingleTenant' })).toEqual([
      'MICROSOFT_APP_PASSWORD: required for a SingleTenant app',
      'MICROSOFT_APP_TENANT_ID: required for a SingleTenant app',
    ]);
    expect(problemsOf({ MICROSOFT_APP_ID: 'a', MICROSOFT_APP_TYPE: 'UserAssignedMSI', MICROSOFT_APP_PASSWORD: 'p' })).toEqual([
      'MICROSOFT_APP_PASSWORD: must not be set for a UserAssignedMSI app',
      'MICROSOFT_APP_TENANT_ID: required for a UserAssignedMSI app',
    ]);
  });
});
