/**
 * Reads a secret for a command without it ever being an argument (arguments show in `ps` and shell history): from
 * a terminal, prompted twice with echo off; from a pipe or a file, its first line.
 */
import { ChoirError } from '../errors/index.js';

export interface SecretSource {
  readonly input: NodeJS.ReadStream;
  readonly output: NodeJS.WriteStream;
}

export async function readSecret(prompt: string, io: SecretSource = { input: process.stdin, output: process.stderr }) {
  if (io.input.isTTY) {
    const first = await promptHidden(`${prompt}: `, io);
    const again = await promptHidden(`${prompt} (again): `, io);
    if (first !== again) throw new ChoirError('BAD_USER_INPUT', 'the two entries differ');
    return first;
  }
  const line = (await readFirstLine(io.input)).replace(/\r$/, '');
  if (!line)
    throw new ChoirError('BAD_USER_INPUT', `${prompt}: nothing on standard input (pipe it in, or run from a terminal)`);
  return line;
}

async function readFirstLine(input: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of input) {
    text += chunk.toString();
    const end = text.indexOf('\n');
    if (end >= 0) return text.slice(0, end);
  }
  return text;
}

/** Raw mode so nothing is echoed; Ctrl-C aborts, backspace edits. */
function promptHidden(prompt: string, io: SecretSource): Promise<string> {
  return new Promise((resolve, reject) => {
    const { input, output } = io;
    output.write(prompt);
    input.setRawMode(true);
    input.resume();
    let value = '';
    const done = (err?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      output.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\u0003') return done(new ChoirError('BAD_USER_INPUT', 'cancelled'));
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    input.on('data', onData);
  });
}
