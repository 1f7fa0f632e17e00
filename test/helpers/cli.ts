// Test helper: run the fracas command line in-process with captured stdout and stderr.
import { main } from '../../src/cli.ts';

export interface RunResult {
  code: number;
  out: string;
  err: string;
}

export async function runCli(...args: string[]): Promise<RunResult> {
  let out = '';
  let err = '';
  const io = {
    out: {
      write: (text: string) => {
        out += text;
        return true;
      },
    } as unknown as NodeJS.WritableStream,
    err: {
      write: (text: string) => {
        err += text;
        return true;
      },
      isTTY: false,
    } as unknown as NodeJS.WriteStream,
  };
  const code = await main(['node', 'fracas', ...args], io);
  return { code, out, err };
}
