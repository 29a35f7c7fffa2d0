/** What a CLI sub-command may touch, passed in so tests can capture output. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
}

let stdoutClosed = false;

/**
 * `callsheet sync | head`: once the reader has gone, writing to stdout fails with EPIPE, which Node
 * raises as an unhandled 'error' event and the process dies mid-command (a sync half-written, the
 * database not closed). The reader leaving is not the command failing: output stops quietly, the
 * command finishes its work and exits with its own code. Other stdout errors stay fatal.
 */
export function guardStdout(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
      stdoutClosed = true;
      return;
    }
    throw error;
  });
}

export const processIo: CliIo = {
  out: (text) => {
    if (!stdoutClosed) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  },
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  env: process.env,
};

export type SubCommand = (args: string[], io: CliIo) => Promise<number>;
