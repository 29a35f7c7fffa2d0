/** Metrics for every call the bot makes to the Bot Framework connector. */
import { metrics } from '../../src/metrics.js';

export async function recordCall<T>(method: string, call: () => Promise<T>): Promise<T> {
  try {
    const result = await call();
    metrics.chatApiCalls.inc({ platform: 'teams', method, outcome: 'ok' });
    return result;
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 429) metrics.chatRateLimited.inc({ platform: 'teams' });
    metrics.chatApiCalls.inc({ platform: 'teams', method, outcome: status === 429 ? 'rate_limited' : 'error' });
    throw error;
  }
}
