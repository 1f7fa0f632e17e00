// The PDF passes the redactor too: its text (pdftotext) is scanned, and a PDF in which the redactor finds a secret is not sent.
import { execFile } from 'node:child_process';
import type { Redactor } from '../lib/secrets/redact.ts';

export type PdfCheck = { status: 'clean' } | { status: 'secrets'; kinds: string[] } | { status: 'unchecked'; reason: string };

function pdfText(bytes: Uint8Array, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, ['-q', '-enc', 'UTF-8', '-', '-'], { timeout: 60_000, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(Buffer.from(bytes));
  });
}

/** Extract the PDF's text and run the redactor over it: any change means a secret would leave in the PDF. */
export async function checkPdfForSecrets(bytes: Uint8Array, redactor: Redactor, command = process.env.FRACAS_PDFTOTEXT ?? 'pdftotext'): Promise<PdfCheck> {
  let text: string;
  try {
    text = await pdfText(bytes, command);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      status: 'unchecked',
      reason: code === 'ENOENT' ? `${command} is not installed (Debian: apt-get install poppler-utils)` : `${command} could not read it (${(error as Error).message.split('\n')[0]})`,
    };
  }
  const before = redactor.stats();
  const redacted = redactor.text(text);
  if (redacted === text) return { status: 'clean' };
  const after = redactor.stats();
  const kinds = Object.keys(after).filter((kind) => (after[kind] ?? 0) > (before[kind] ?? 0));
  return { status: 'secrets', kinds: kinds.length > 0 ? kinds : ['secret'] };
}
