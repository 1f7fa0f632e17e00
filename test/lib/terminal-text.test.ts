// Terminal output: escape sequences (OSC title, cursor moves, colours) removed, other control characters made visible, newline and tab kept.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createReporter } from '../../src/cli/progress.ts';
import { terminalSafe } from '../../src/lib/terminal-text.ts';

const HOSTILE = 'job \u001b]0;pwned title\u0007 moved \u001b[2J\u001b[H cleared \u001b[31mred\u001b[0m bell\u0007 nul\u0000 c1\u009b31m del\u007f\tok\nnext';

describe('terminalSafe', () => {
  it('removes escape sequences, shows other control characters, keeps newline and tab', () => {
    const out = terminalSafe(HOSTILE);
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(out).toContain('moved');
    expect(out).not.toContain('pwned title');
    expect(out).toContain('\tok\nnext');
    expect(out).toContain('\\x00');
  });

  it('reaches the progress lines printed for a source', () => {
    const stream = new PassThrough();
    let written = '';
    stream.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const reporter = createReporter({ quiet: false, stream: stream as unknown as NodeJS.WriteStream });
    reporter.sourceMessage({ id: 'logs', kind: 'logs' } as never, `reading ${HOSTILE}`);
    reporter.step(`file ${HOSTILE}`);
    expect(written).toContain('reading job');
    expect(written).not.toMatch(/\u001b|\u0007|\u009b|\u0000/);
  });
});
