// End to end: the real CLI on the bundled FM-028 sample, checking every deliverable, the PDF text and the gather/render split.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lint } from 'markdownlint/promise';
import { beforeAll, describe, expect, it } from 'vitest';
import { MARKDOWNLINT_CONFIG } from '../../src/render/markdownlint-config.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SAMPLE = path.join(ROOT, 'docs/incidents/fm_028');
const BIN = path.join(ROOT, 'bin/fracas.js');

function fracas(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', ...env }, timeout: 180_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function copySample(): string {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'fracas-e2e-')), 'fm_028');
  cpSync(SAMPLE, dir, { recursive: true, filter: (source) => !/[/\\](report|evidence)$/.test(source) });
  return dir;
}

function pdfText(file: string): string {
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

const REQUIRED_SECTIONS: Record<string, string[]> = {
  'root-cause-report.md': [
    '## What',
    '## When',
    '## Why',
    '## Impact',
    '## Timeline',
    '## Error categorisation',
    '## Failure patterns',
    '## Database analysis',
    '## Configuration comparison',
    '## Code review',
    '## Evidence sources',
    '## Investigation complete when',
  ],
  'solution-design.md': ['## Option A', '## Option B', '## Option C', '## Recommendation'],
  'implementation-plan.md': ['## Steps', '## Testing', '## Rollback', '## Monitoring', '## Resolution complete when'],
  'prevention-measures.md': ['## Process', '## Tooling', '## Documentation'],
};

describe('fracas report on the FM-028 sample', () => {
  let dir: string;
  let run: ReturnType<typeof fracas>;
  let summary: {
    incident: string;
    outputs: string[];
    pdf: string;
    sources: { id: string; status: string }[];
    hypotheses: { id: string; title: string; category: string; score: number; evidence: { kind: string }[] }[];
    exitCode: number;
  };

  beforeAll(() => {
    dir = copySample();
    run = fracas(['report', dir, '--json']);
    summary = JSON.parse(run.stdout) as typeof summary;
  }, 240_000);

  it('exits 0 with every source collected', () => {
    expect(run.stderr).not.toMatch(/Error:|at .*\.ts:\d+/);
    expect(summary.sources.map((source) => `${source.id}:${source.status}`)).toEqual(summary.sources.map((source) => `${source.id}:ok`));
    expect(run.code).toBe(0);
    expect(summary.exitCode).toBe(0);
  });

  it('writes the four deliverables, the combined Markdown and the PDF', () => {
    for (const name of [...Object.keys(REQUIRED_SECTIONS), 'FM-028.md', 'FM-028.pdf']) {
      expect(existsSync(path.join(dir, 'report', name)), name).toBe(true);
      expect(summary.outputs).toContain(path.join(dir, 'report', name));
    }
    expect(summary.pdf).toBe('ok');
  });

  it('gives each deliverable its required sections', () => {
    for (const [name, sections] of Object.entries(REQUIRED_SECTIONS)) {
      const markdown = readFileSync(path.join(dir, 'report', name), 'utf8');
      for (const section of sections) expect(markdown, `${name} ${section}`).toContain(section);
      const combined = readFileSync(path.join(dir, 'report', 'FM-028.md'), 'utf8');
      for (const section of sections) expect(combined).toContain(section);
    }
  });

  it('prints ranked hypotheses with ids, categories, scores and evidence references', () => {
    expect(summary.hypotheses.length).toBeGreaterThan(0);
    for (const hypothesis of summary.hypotheses) {
      expect(hypothesis.id).toMatch(/^[a-z0-9-]+$/);
      expect(hypothesis.score).toBeGreaterThanOrEqual(0);
      expect(hypothesis.score).toBeLessThanOrEqual(1);
      expect(hypothesis.evidence.length).toBeGreaterThan(0);
    }
    const scores = summary.hypotheses.map((hypothesis) => hypothesis.score);
    expect([...scores].sort((left, right) => right - left)).toEqual(scores);
  });

  it('puts the sections and the incident into the PDF', () => {
    const text = pdfText(path.join(dir, 'report', 'FM-028.pdf'));
    for (const words of [
      'Contents',
      'Root Cause Report',
      'What',
      'When',
      'Why',
      'Impact',
      'Option A',
      'Option B',
      'Option C',
      'Recommendation',
      'Steps',
      'Testing',
      'Rollback',
      'Monitoring',
      'Process',
      'Tooling',
      'Documentation',
    ]) {
      expect(text, words).toContain(words);
    }
    expect(text).toMatch(/Page 1 of \d+/);
    expect(text).toContain('FM-028');
  });

  it('writes Markdown that passes markdownlint', async () => {
    const names = [...Object.keys(REQUIRED_SECTIONS), 'FM-028.md'];
    const strings = Object.fromEntries(names.map((name) => [name, readFileSync(path.join(dir, 'report', name), 'utf8')]));
    const result = await lint({ strings, config: MARKDOWNLINT_CONFIG });
    const problems = Object.entries(result).flatMap(([name, errors]) => errors.map((error) => `${name}:${error.lineNumber} ${error.ruleNames.join('/')} ${error.errorContext ?? ''}`));
    expect(problems).toEqual([]);
  });

  it('links the charts from the Markdown and writes them as SVG', () => {
    const markdown = readFileSync(path.join(dir, 'report', 'root-cause-report.md'), 'utf8');
    const charts = [...markdown.matchAll(/!\[[^\]]*\]\((charts\/[^)]+\.svg)\)/g)].map((match) => match[1] as string);
    expect(charts.length).toBeGreaterThanOrEqual(3);
    for (const chart of charts) expect(readFileSync(path.join(dir, 'report', chart), 'utf8')).toMatch(/^<svg /);
  });

  it('renders the same Markdown again from saved evidence alone, without the sources', () => {
    const before = readFileSync(path.join(dir, 'report', 'FM-028.md'), 'utf8');
    const charts = readFileSync(path.join(dir, 'report', 'charts', 'failures-over-time.svg'), 'utf8');
    renameSync(path.join(dir, 'logs'), path.join(dir, 'logs-gone'));
    renameSync(path.join(dir, 'db'), path.join(dir, 'db-gone'));
    try {
      const again = fracas(['render', dir, '--format', 'md', '--quiet']);
      expect(again.code).toBe(0);
      expect(readFileSync(path.join(dir, 'report', 'FM-028.md'), 'utf8')).toBe(before);
      expect(readFileSync(path.join(dir, 'report', 'charts', 'failures-over-time.svg'), 'utf8')).toBe(charts);
    } finally {
      renameSync(path.join(dir, 'logs-gone'), path.join(dir, 'logs'));
      renameSync(path.join(dir, 'db-gone'), path.join(dir, 'db'));
    }
  }, 120_000);
});

describe('fracas on bad input', () => {
  it('ends a bad manifest with one clear message and exit code 1', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fracas-bad-'));
    writeFileSync(path.join(dir, 'incident.yaml'), 'id: X\ntitle: t\nseverity: urgent\n');
    const run = fracas(['report', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(path.join(dir, 'incident.yaml'));
    expect(run.stderr).toMatch(/severity \(line 3\)/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 1 for a missing manifest and says how to create one', () => {
    const run = fracas(['report', path.join(os.tmpdir(), 'no-such-incident-dir')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/fracas init/);
  });

  it('writes a partial report naming a missing source, with exit code 2', () => {
    const dir = copySample();
    rmSync(path.join(dir, 'logs', 'worker.log'));
    const run = fracas(['report', dir, '--format', 'md', '--json']);
    expect(run.code).toBe(2);
    const summary = JSON.parse(run.stdout) as { sources: { id: string; status: string; error?: string }[] };
    const failed = summary.sources.filter((source) => source.status === 'failed' || source.status === 'partial');
    expect(failed.length).toBeGreaterThan(0);
    const report = readFileSync(path.join(dir, 'report', 'root-cause-report.md'), 'utf8');
    for (const source of failed) expect(report).toContain(source.id);
    expect(existsSync(path.join(dir, 'report', 'FM-028.pdf'))).toBe(false);
  }, 120_000);

  it('still writes the Markdown when no browser can be found, with exit code 4', () => {
    const dir = copySample();
    const run = fracas(['report', dir], { PUPPETEER_EXECUTABLE_PATH: '/nonexistent/chromium' });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/apt-get install -y chromium/);
    expect(existsSync(path.join(dir, 'report', 'FM-028.md'))).toBe(true);
    expect(existsSync(path.join(dir, 'report', 'FM-028.pdf'))).toBe(false);
  }, 120_000);

  it('refuses to render without saved evidence', () => {
    const dir = copySample();
    const run = fracas(['render', dir]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/fracas collect/);
  });
});
