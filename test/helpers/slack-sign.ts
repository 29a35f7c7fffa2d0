/** Signs a request body the way Slack does (v0 HMAC-SHA256), for tests that play Slack. */
import { createHmac } from 'node:crypto';

export function signSlack(secret: string, body: string, timestamp: number = Math.floor(Date.now() / 1000)) {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-signature': signature, 'x-slack-request-timestamp': String(timestamp) };
}
