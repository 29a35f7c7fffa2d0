/**
 * Process-level safety nets for `serve`. A promise rejected with nobody listening (a driver or SDK
 * callback that lost its caller, a background task without a catch) is a bug to log loudly, not a
 * reason to drop every conversation, sync and task of this replica: Node's default ends the process.
 * An uncaught exception is different: the code that threw was interrupted half-way, so state may
 * be inconsistent; it is logged and the service stops gracefully (exit code 1) for the platform
 * to restart it, instead of Node's immediate exit that would skip releasing leases and claims.
 */
import type { Logger } from '../logger.js';

export interface ProcessHandlerOptions {
  logger: Logger;
  /** Called once on the first uncaught exception: stop gracefully. */
  onFatal: (error: unknown) => void;
  target?: NodeJS.EventEmitter;
}

/** Installs the handlers; returns a function that removes them. */
export function installProcessHandlers(options: ProcessHandlerOptions): () => void {
  const target = options.target ?? process;
  const { logger } = options;
  let fatal = false;
  const onRejection = (reason: unknown) => {
    logger.error({ err: reason }, 'unhandled rejection (a bug: some promise had no catch); still serving');
  };
  const onException = (error: unknown) => {
    logger.fatal({ err: error }, 'uncaught exception; stopping gracefully');
    if (fatal) return;
    fatal = true;
    process.exitCode = 1;
    options.onFatal(error);
  };
  target.on('unhandledRejection', onRejection);
  target.on('uncaughtException', onException);
  return () => {
    target.off('unhandledRejection', onRejection);
    target.off('uncaughtException', onException);
  };
}
