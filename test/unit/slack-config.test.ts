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
});
