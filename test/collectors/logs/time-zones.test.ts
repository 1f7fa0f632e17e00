// Timestamps with zones: offsets, IANA names and unambiguous abbreviations resolve through luxon; an unknown or ambiguous zone leaves the time unknown, never UTC.
import { describe, expect, it } from 'vitest';
import { normalizeTimestamp } from '../../../src/collectors/logs/time.ts';
import { leadingTimestamp } from '../../../src/collectors/logs/text-formats.ts';

describe('normalizeTimestamp zones', () => {
  it('resolves offsets and IANA zone names, with daylight saving', () => {
    expect(normalizeTimestamp('2026-11-20T10:00:00+05:30')).toBe('2026-11-20T04:30:00.000Z');
    expect(normalizeTimestamp('2026-11-20 10:00:00,123 Europe/Berlin')).toBe('2026-11-20T09:00:00.123Z');
    expect(normalizeTimestamp('2026-07-20 10:00:00 Europe/Berlin')).toBe('2026-07-20T08:00:00.000Z');
    expect(normalizeTimestamp('2026-11-20 10:00:00 America/Argentina/Buenos_Aires')).toBe('2026-11-20T13:00:00.000Z');
  });

  it('reads abbreviations with one meaning', () => {
    expect(normalizeTimestamp('2026-11-20 10:00:00 EST')).toBe('2026-11-20T15:00:00.000Z');
    expect(normalizeTimestamp('2026-11-20 10:00:00 JST')).toBe('2026-11-20T01:00:00.000Z');
    expect(normalizeTimestamp('2026-11-20 10:00:00 UTC')).toBe('2026-11-20T10:00:00.000Z');
  });

  it('leaves the time unknown for an ambiguous or unknown zone instead of reading it as UTC', () => {
    expect(normalizeTimestamp('2026-11-20 10:00:00 CST')).toBeUndefined();
    expect(normalizeTimestamp('2026-11-20 10:00:00 IST')).toBeUndefined();
    expect(normalizeTimestamp('2026-11-20 10:00:00 XYZ')).toBeUndefined();
    expect(normalizeTimestamp('2026-11-20 10:00:00 Mars/Olympus_Mons')).toBeUndefined();
  });

  it('reads a time without a zone as UTC, as before', () => {
    expect(normalizeTimestamp('2026-11-20 10:00:00')).toBe('2026-11-20T10:00:00.000Z');
  });

  it('a level word after the time at the start of a line is not a zone (the line keeps its time)', () => {
    for (const level of ['INFO', 'WARN', 'ERROR', 'CRIT', 'LOG:', 'DEBUG', 'WRN']) expect(leadingTimestamp(`2026-11-20 10:00:00,250 ${level} worker started`), level).toBe('2026-11-20T10:00:00.250Z');
    expect(leadingTimestamp('2026-11-20 10:00:00 CEST worker started')).toBe('2026-11-20T08:00:00.000Z');
    expect(leadingTimestamp('2026-11-20 10:00:00 CST worker started')).toBeUndefined();
  });
});
