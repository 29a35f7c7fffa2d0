import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import type { Manifest } from '@slack/web-api/dist/types/request/manifest.js';
import { describe, expect, it } from 'vitest';
import { isPersonMessage, messageText } from '../../adapters/slack/conversations.js';

const manifest = yaml.load(readFileSync(new URL('../../adapters/slack/manifest.yaml', import.meta.url), 'utf8')) as Manifest & {
  features: { app_home: Record<string, boolean>; unfurl_domains: string[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[] } };
};

/** The bot scope each subscribed event needs (Slack's Events API reference). */
const eventScopes: Record<string, string | undefined> = {
  app_home_opened: undefined,
  app_mention: 'app_mentions:read',
  'message.im': 'im:history',
  link_shared: 'links:read',
};

describe('Slack manifest (issue 16)', () => {
  it('subscribes to mentions, DMs and shared links, each with the scope it needs and no more', () => {
    const events = manifest.settings.event_subscriptions.bot_events;
    expect(events).toEqual(['app_home_opened', 'app_mention', 'message.im', 'link_shared', 'app_uninstalled', 'tokens_revoked']);
    for (const event of events) if (eventScopes[event]) expect(manifest.oauth_config.scopes.bot).toContain(eventScopes[event]);
    // chat.unfurl needs links:write; no channel-wide message reading (message.channels) is asked for.
    expect(manifest.oauth_config.scopes.bot).toContain('links:write');
    expect(events).not.toContain('message.channels');
    expect(new Set(manifest.oauth_config.scopes.bot).size).toBe(manifest.oauth_config.scopes.bot.length);
  });

  it('turns the Messages tab on for DMs and lists at most 5 unfurl domains', () => {
    expect(manifest.features.app_home).toMatchObject({ messages_tab_enabled: true, messages_tab_read_only_enabled: false });
    expect(manifest.features.unfurl_domains).toContain('github.com');
    expect(manifest.features.unfurl_domains.length).toBeLessThanOrEqual(5);
  });
});

describe('Slack message text', () => {
  it('drops the leading bot mention and unwraps links, channels and escapes', () => {
    expect(messageText('<@U0BOT> who owns payments-api?')).toBe('who owns payments-api?');
    expect(messageText('<@U0BOT|callsheet>: owner <https://github.com/a/b|github.com/a/b>')).toBe('owner https://github.com/a/b');
    expect(messageText('find &lt;thing&gt; &amp; <#C123|payments>')).toBe('find <thing> & #payments');
    expect(messageText('ask <@U0BOB> later')).toBe('ask <@U0BOB> later');
  });

  it('takes only messages people wrote', () => {
    const base = { type: 'message', user: 'U1', channel: 'D1', text: 'help' };
    expect(isPersonMessage(base)).toBe(true);
    expect(isPersonMessage({ ...base, bot_id: 'B1' })).toBe(false);
    expect(isPersonMessage({ ...base, subtype: 'message_changed' })).toBe(false);
    expect(isPersonMessage({ ...base, edited: { ts: '1' } })).toBe(false);
    expect(isPersonMessage({ ...base, user: undefined })).toBe(false);
  });
});
