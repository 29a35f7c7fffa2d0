import { describe, expect, it } from 'vitest';
import { slackSignature, verifySlackSignature } from '../../adapters/slack/verify-signature.js';
import { signSlack } from '../helpers/slack-sign.js';

// Slack's published example from "Verifying requests from Slack".
const secret = '8f742231b10e8888abcd99yyyzzz85a5';
const timestamp = 1531420618;
const body =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const expected = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';

describe('Slack request signing', () => {
  it('matches Slack published test vector, in the test signer and in the verifier', () => {
    expect(signSlack(secret, body, timestamp)['x-slack-signature']).toBe(expected);
    expect(slackSignature(secret, String(timestamp), body)).toBe(expected);
    expect(verifySlackSignature({ secret, body, signature: expected, timestamp: String(timestamp), nowSeconds: timestamp + 10 })).toEqual({ ok: true });
  });

  it('refuses a changed body, a wrong secret, missing headers and a timestamp over five minutes away', () => {
    const check = (over: Partial<Parameters<typeof verifySlackSignature>[0]>) =>
      verifySlackSignature({ secret, body, signature: expected, timestamp: String(timestamp), nowSeconds: timestamp, ...over });
    expect(check({ body: body.replace('roadrunner', 'coyote') })).toMatchObject({ ok: false, reason: 'signature mismatch' });
    expect(check({ secret: 'another-secret' })).toMatchObject({ ok: false });
    expect(check({ signature: undefined })).toMatchObject({ ok: false, reason: 'missing signature headers' });
    expect(check({ timestamp: undefined })).toMatchObject({ ok: false, reason: 'missing signature headers' });
    expect(check({ nowSeconds: timestamp + 301 })).toMatchObject({ ok: false, reason: 'timestamp too far from now' });
    expect(check({ nowSeconds: timestamp - 301 })).toMatchObject({ ok: false, reason: 'timestamp too far from now' });
    expect(check({ nowSeconds: timestamp + 300 })).toEqual({ ok: true });
    expect(check({ timestamp: '1531420618abc' })).toMatchObject({ ok: false });
  });
});
