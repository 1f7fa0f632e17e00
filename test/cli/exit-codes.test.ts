// Tests for src/cli/exit-codes.ts: complete, partial, failed and no-PDF runs get their documented codes.
import { describe, expect, it } from 'vitest';
import { ManifestError } from '../../src/manifest/index.ts';
import { EXIT_CODES, exitCodeFor, exitCodeForError } from '../../src/cli/exit-codes.ts';

const s = (...statuses: ('ok' | 'partial' | 'failed' | 'skipped')[]) => statuses.map((status) => ({ status }));

describe('exitCodeFor', () => {
  it('maps run outcomes to the documented codes', () => {
    expect(exitCodeFor({ sources: s('ok', 'ok'), markdown: 'ok', pdf: 'ok' })).toBe(0);
    expect(exitCodeFor({ sources: s('ok', 'skipped'), markdown: 'ok' })).toBe(0);
    expect(exitCodeFor({ sources: [], markdown: 'ok' })).toBe(0);
    expect(exitCodeFor({ sources: s('ok', 'partial'), markdown: 'ok', pdf: 'ok' })).toBe(2);
    expect(exitCodeFor({ sources: s('ok', 'failed'), markdown: 'ok', pdf: 'skipped' })).toBe(2);
    expect(exitCodeFor({ sources: s('failed', 'failed'), markdown: 'ok', pdf: 'ok' })).toBe(3);
    expect(exitCodeFor({ sources: s('ok'), markdown: 'failed' })).toBe(3);
    expect(exitCodeFor({ sources: s('ok'), markdown: 'ok', pdf: 'failed' })).toBe(4);
    expect(exitCodeFor({ sources: s('ok', 'failed'), markdown: 'ok', pdf: 'failed' })).toBe(4);
    expect(exitCodeFor({ sources: s('ok', 'failed'), markdown: 'skipped' })).toBe(2);
  });

  it('maps errors: manifest and usage errors are 1, anything else 3', () => {
    expect(exitCodeForError(new ManifestError('incident.yaml', ['id: required']))).toBe(EXIT_CODES.usage);
    expect(exitCodeForError(Object.assign(new Error('unknown option'), { code: 'commander.unknownOption' }))).toBe(1);
    expect(exitCodeForError(new Error('boom'))).toBe(EXIT_CODES.failed);
    expect(exitCodeForError('thrown string')).toBe(3);
  });
});
