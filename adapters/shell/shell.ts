/**
 * The local shell: reads lines of the command grammar (`owner payments-api`, `/owner payments-api`),
 * prints replies as text. A number picks that numbered button of the last reply; `exit`, `quit`
 * or end of input (Ctrl-D at the prompt) closes it; Ctrl-D inside a follow-up question cancels only
 * that command. Lines are answered one at a time, in order.
 */
import { createInterface } from 'node:readline';
import { Writable, type Readable } from 'node:stream';
import type { Reply } from '../../src/reply/reply.js';
import { commandButtons, renderReplyText } from './render-text.js';

export interface ShellOptions {
  input: Readable;
  output: Writable;
  /** Answers a line; `io` lets a command ask follow-up questions on the same input (e.g. `create`). */
  run: (line: string, io: ShellIo) => Promise<Reply>;
  prompt?: string;
  /** Printed once at start. */
  greeting?: string;
}

/** Follow-up questions read from the same input the shell reads commands from. */
export interface ShellIo {
  ask(question: string): Promise<string>;
  /** Asks without echoing what is typed (password fields). */
  askSecret?(question: string): Promise<string>;
  say(text: string): void;
}

/**
 * What readline writes goes through here, so that its echo of typed characters can be silenced
 * while a password is read. The question itself is written to the real output, never muted.
 */
function mutableOutput(target: Writable): Writable & { muted: boolean } {
  const stream = new Writable({
    write(chunk, encoding, done) {
      if (!stream.muted) target.write(chunk, encoding);
      done();
    },
  }) as Writable & { muted: boolean; columns?: number; isTTY?: boolean };
  stream.muted = false;
  Object.defineProperty(stream, 'columns', { get: () => (target as { columns?: number }).columns ?? 80 });
  stream.isTTY = (target as { isTTY?: boolean }).isTTY;
  return stream;
}

export interface Shell {
  close(): Promise<void>;
  /** Resolves when the shell has stopped (exit, quit, end of input or close()). */
  closed: Promise<void>;
}

const EXIT = new Set(['exit', 'quit', '/exit', '/quit', 'bye']);

export function startShell(options: ShellOptions): Shell {
  const { input, output, run } = options;
  const echo = mutableOutput(output);
  const terminal = (output as { isTTY?: boolean }).isTTY === true;
  // Input can end (Ctrl-D, a closed pipe) while a line is being answered; since Node 22 prompting a
  // closed readline throws, so the loop prompts only while the interface is open.
  let ended = false;
  // Ctrl-D on a terminal closes readline but not the terminal: inside a follow-up question (the
  // create wizard) it cancels that question only, and the shell reopens on the same terminal.
  let asking = false;
  let cancelled = false;
  let shuttingDown = false;
  const open = (history: string[] = []) => {
    const next = createInterface({ input, output: echo, prompt: options.prompt ?? 'callsheet> ', terminal, history });
    next.once('close', () => {
      const stillOpen = terminal && !input.readableEnded && !input.destroyed;
      if (asking && stillOpen && !shuttingDown) cancelled = true;
      else ended = true;
    });
    return next;
  };
  let rl = open();
  let lines = rl[Symbol.asyncIterator]();
  const write = (text: string) => {
    output.write(text.endsWith('\n') ? text : `${text}\n`);
  };
  let buttons: string[] = [];
  const readAnswer = async (): Promise<string> => {
    asking = true;
    try {
      const next = await lines.next();
      if (next.done) throw new Error(cancelled ? 'Ctrl-D' : 'input closed');
      return next.value;
    } finally {
      asking = false;
    }
  };
  const io: ShellIo = {
    async ask(question) {
      output.write(question);
      return readAnswer();
    },
    async askSecret(question) {
      output.write(question);
      echo.muted = true;
      try {
        return await readAnswer();
      } finally {
        echo.muted = false;
        // The Enter that ended the password was not echoed either.
        output.write('\n');
      }
    },
    say: write,
  };

  async function answer(raw: string): Promise<void> {
    const line = raw.trim();
    let command = line;
    if (/^\d{1,3}$/.test(line)) {
      const picked = buttons[Number(line) - 1];
      if (!picked) {
        write(buttons.length ? `There is no [${line}]; pick 1 to ${buttons.length}.` : `There is nothing numbered to pick; type a command, e.g. owner payments-api.`);
        return;
      }
      write(`> ${picked}`);
      command = picked;
    }
    try {
      const reply = await run(command, io);
      buttons = commandButtons(reply);
      write(renderReplyText(reply));
    } catch (error) {
      write(`Error: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  const prompt = () => {
    if (!ended) rl.prompt();
  };
  const closed = (async () => {
    if (options.greeting) write(options.greeting);
    prompt();
    for (let next = await lines.next(); !next.done; next = await lines.next()) {
      const line = next.value.trim();
      if (EXIT.has(line.toLowerCase())) break;
      if (line) await answer(line);
      if (cancelled) {
        // The wizard was cancelled with Ctrl-D: a fresh interface on the same terminal, history kept.
        cancelled = false;
        rl = open((rl as unknown as { history?: string[] }).history ?? []);
        lines = rl[Symbol.asyncIterator]();
      }
      prompt();
    }
    rl.close();
  })();

  return {
    closed,
    async close() {
      shuttingDown = true;
      rl.close();
      await closed;
    },
  };
}
