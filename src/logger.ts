import { destination, pino, type Logger } from 'pino';

export type { Logger };

/** Paths whose values are replaced before a log line is written. */
const redact = [
  '*.token',
  '*.password',
  '*.secret',
  '*.authorization',
  'req.headers.authorization',
  'req.headers["x-slack-signature"]',
  'req.headers["x-hub-signature-256"]',
  'headers.authorization',
  'config.SLACK_BOT_TOKEN',
  'config.SLACK_SIGNING_SECRET',
  'config.SLACK_APP_TOKEN',
  'config.SLACK_CLIENT_SECRET',
  'config.SLACK_STATE_SECRET',
  'config.ENCRYPTION_KEY',
  'config.ENCRYPTION_KEY_PREVIOUS',
  'config.GITHUB_TOKEN',
  'config.BACKSTAGE_TOKEN',
  'config.GITHUB_APP_PRIVATE_KEY',
  'config.GITHUB_WEBHOOK_SECRET',
  'config.GITLAB_TOKEN',
  'config.GITLAB_WEBHOOK_SECRET',
  'config.MICROSOFT_APP_PASSWORD',
  'config.DATABASE_URL',
  'config.API_TOKENS',
];

/**
 * JSON lines to stdout (what container platforms collect), or appended to `file` when a person is
 * using the terminal (the shell), so log lines do not break into the conversation.
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', file?: string): Logger {
  const options = { level, redact: { paths: redact, censor: '[redacted]' }, base: { service: 'callsheet' } };
  return file ? pino(options, destination({ dest: file, mkdir: true, append: true })) : pino(options);
}

/** JSON lines to stderr: for one-shot CLI commands, whose stdout is their answer. */
export function stderrLogger(level: string): Logger {
  return pino({ level, redact: { paths: redact, censor: '[redacted]' }, base: { service: 'callsheet' } }, destination(2));
}

/** A logger that writes nothing (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
