import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { slackSettings } from '../../src/config/slack.js';

describe('Slack configuration', () => {
  it('is off without a token and secret, on with both, and an error with only one', () => {
    expect(slackSettings(loadConfig({}))).toBeUndefined();
    const on = slackSettings(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_API_URL: 'http://127.0.0.1:9/api/' }));
    expect(on).toEqual({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_APP_TOKEN: undefined, SLACK_API_URL: 'http://127.0.0.1:9/api' });
    expect(() => slackSettings(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' }))).toThrow(/SLACK_SIGNING_SECRET is not set/);
  });

  it('names the variable when a token has the wrong shape', () => {
    const attempt = () => loadConfig({ SLACK_BOT_TOKEN: 'xoxp-user-token', SLACK_APP_TOKEN: 'nope', SLACK_API_URL: 'not a url' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'SLACK_BOT_TOKEN: expected a bot token starting with xoxb-',
        'SLACK_APP_TOKEN: expected an app-level token starting with xapp-',
        'SLACK_API_URL: expected a URL, got "not a url"',
      ]);
    }
  });

  it('distribution mode needs the client id, client secret, state secret and a 32-byte ENCRYPTION_KEY, not a bot token', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const oauth = { SLACK_SIGNING_SECRET: 's', SLACK_CLIENT_ID: '1.2', SLACK_CLIENT_SECRET: 'c', SLACK_STATE_SECRET: 'st', ENCRYPTION_KEY: key };
    expect(slackSettings(loadConfig(oauth))).toMatchObject({ SLACK_BOT_TOKEN: undefined, oauth: { clientId: '1.2', clientSecret: 'c', stateSecret: 'st', encryptionKey: key } });
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problems({ ...oauth, SLACK_STATE_SECRET: '' })).toEqual([expect.stringMatching(/^SLACK_CLIENT_ID: Slack OAuth is half configured: SLACK_STATE_SECRET not set/)]);
    expect(problems({ ...oauth, ENCRYPTION_KEY: 'short' })).toEqual([expect.stringMatching(/^ENCRYPTION_KEY: expected 32 bytes/)]);
    expect(problems({ ...oauth, ENCRYPTION_KEY_PREVIOUS: 'short' })).toEqual([expect.stringMatching(/^ENCRYPTION_KEY_PREVIOUS: expected 32 bytes/)]);
    // ENCRYPTION_KEY alone (kept for later) does not switch Slack on.
    expect(slackSettings(loadConfig({ ENCRYPTION_KEY: key }))).toBeUndefined();
  });
});
