// Sections never contradict each other: every count and conclusion a section states is the same analysis value, and the review's status rules the Draft banner.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeIncident, type Conclusions } from '../../src/analysis/index.ts';
import type { Analysis } from '../../src/analysis/model.ts';
import { loadEvidence } from '../../src/evidence/store.ts';
import type { EvidenceBundle } from '../../src/evidence/schema.ts';
import type { ReviewEvent } from '../../src/manifest/index.ts';
import { pdfCover, renderMarkdown } from '../../src/render/outputs.ts';

const INCIDENTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/incidents');
const samples = readdirSync(INCIDENTS)
  .filter((name) => existsSync(path.join(INCIDENTS, name, 'evidence', 'evidence.json')))
  .sort();
const none: Conclusions = { hypotheses: {}, owners: [], done: [] };

const number = (text: string) => Number(text.replace(/,/g, ''));

/** The text of one `## heading` section of a Markdown file. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) return '';
  const rest = markdown.slice(start + heading.length + 5);
  const end = rest.search(/\n#{1,2} /);
  return end < 0 ? rest : rest.slice(0, end);
}

function variants(bundle: EvidenceBundle): [string, EvidenceBundle][] {
  const without = (kinds: string[]) => ({ ...bundle, sources: bundle.sources.filter((source) => !kinds.includes(source.kind)) }) as EvidenceBundle;
  return [
    ['as collected', bundle],
    ['without log sources', without(['logs', 'render-api'])],
    ['without database and code', without(['database', 'code'])],
    ['with no source', without(['logs', 'render-api', 'database', 'code', 'config', 'git'])],
  ];
}

async function check(analysis: Analysis): Promise<void> {
  const files = (await renderMarkdown(analysis)).files;
  const report = files.get('root-cause-report.md') ?? '';
  const combined =
    [...files.entries()].find(
      ([name]) => name.endsWith('.md') && !['root-cause-report.md', 'solution-design.md', 'implementation-plan.md', 'prevention-measures.md', 'summary.md'].includes(name),
    )?.[1] ?? '';
  const { counts, impact, hypotheses } = analysis;

  // Error records: the categorisation, each source's pattern line and the counts are one value.
  const categorisation = section(report, 'Error categorisation');
  const stated = /the log sources hold ([\d,]+) error-level record\(s\) among ([\d,]+)/.exec(categorisation);
  expect(stated, categorisation).not.toBeNull();
  expect(number(stated?.[1] ?? '')).toBe(counts.errorRecords);
  expect(number(stated?.[2] ?? '')).toBe(counts.logRecords);
  const perSource = [...section(report, 'Failure patterns').matchAll(/^- `[^`]+`: ([\d,]+) error record\(s\) among/gm)].reduce((total, match) => total + number(match[1] ?? '0'), 0);
  const patternsShown = analysis.logPatterns.reduce((total, patterns) => total + patterns.errorRecords, 0);
  expect(perSource).toBe(patternsShown);
  expect(patternsShown).toBe(counts.errorRecords);
  if (counts.failureCategories > 0) {
    const rows = [...categorisation.matchAll(/^\| [^|]+ \| ([\d,]+) \|/gm)].reduce((total, match) => total + number(match[1] ?? '0'), 0);
    expect(rows).toBe(counts.failureSignalRecords);
  } else expect(categorisation).toContain('No recognised failure category');
  for (const markdown of files.values()) if (counts.errorRecords > 0) expect(markdown).not.toMatch(/No error records/i);

  // Impact: the executive summary and the Impact table quote the same numbers.
  if (impact.jobsInEvidence) {
    const summaryImpact = /\*\*User impact\.\*\* ([\d,]+) affected job\(s\) \(([\d,]+) stuck, ([\d,]+) failed\)/.exec(combined);
    expect(summaryImpact, 'executive summary impact').not.toBeNull();
    expect(summaryImpact?.slice(1).map(number)).toEqual([impact.affectedJobs, impact.stuckJobs, impact.failedJobs]);
  } else expect(combined).toContain('**User impact.** no job or document in the evidence');
  const table = section(report, 'Impact');
  expect(number(/\| Affected jobs \| ([\d,]+) \|/.exec(table)?.[1] ?? '')).toBe(impact.affectedJobs);
  expect(number(/\| Stuck jobs \| ([\d,]+) \|/.exec(table)?.[1] ?? '')).toBe(impact.stuckJobs);

  // The root cause named in the Summary is the hypothesis ranked first under Why (or says why it is not).
  const summary = section(report, 'Summary');
  const top = hypotheses.find((hypothesis) => hypothesis.status !== 'rejected');
  if (analysis.rootCause.confirmed) expect(summary).toContain('**Confirmed root cause:**');
  else if (top) {
    expect(summary).toContain(top.title);
    expect(summary).not.toContain('no hypothesis is supported');
    const why = section(report, 'Why');
    expect(why.indexOf(`| 1 | ${top.title}`) >= 0 || hypotheses[0]?.status === 'rejected').toBe(true);
  } else expect(summary).toContain('no hypothesis is supported');

  // Status: Draft banner, cover notice, checklist and escalation all follow the one document status.
  const draft = analysis.review.status.state === 'draft';
  expect(draft).toBe(!analysis.rootCause.confirmed);
  for (const [name, markdown] of files) expect(markdown.includes('**Draft.**'), name).toBe(draft && name !== 'summary.md' && markdown !== combined);
  expect((pdfCover(analysis).notice ?? '').includes('Draft')).toBe(draft);
  expect(analysis.checklists.investigation.find((item) => item.id === 'root-cause')?.status === 'done').toBe(!draft);
  const deadline = analysis.review.escalation.find((criterion) => criterion.id === 'root-cause-deadline');
  if (draft) expect(deadline?.basis).toMatch(analysis.impact.firstError ? /^not confirmed;/ : /^no detection time/);
  else expect(deadline?.basis).not.toMatch(/^not confirmed/);
}

describe.each(samples)('sections of %s agree', (name) => {
  const bundle = loadEvidence(path.join(INCIDENTS, name));

  for (const [label, variant] of variants(bundle)) {
    it(`${label}, drafted`, async () => {
      await check(analyzeIncident(variant, none, { sample: true }));
    }, 60_000);
  }

  it('confirmed: the Draft banner goes and the status names who confirmed it', async () => {
    const analysis = analyzeIncident(bundle, { ...none, rootCause: 'The handler leaks its session on errors.', confirmedBy: { author: 'Dana Reyes', date: '2026-11-21' } }, { sample: true });
    await check(analysis);
    expect(analysis.review.status).toMatchObject({ state: 'confirmed', by: 'Dana Reyes', on: '2026-11-21' });
    const files = (await renderMarkdown(analysis)).files;
    expect(files.get('summary.md')).toContain('Confirmed by Dana Reyes on 2026-11-21');
  }, 60_000);
});

describe('the review from incident.yaml', () => {
  const bundle = loadEvidence(path.join(INCIDENTS, 'fm_028'));
  const first = analyzeIncident(bundle, none).impact.firstError ?? '';
  const at = (minutes: number) => new Date(Date.parse(first) + minutes * 60_000).toISOString();
  const timeline: ReviewEvent[] = [
    { event: 'detected', time: at(49), who: 'Dana (on-call)', note: 'pager: webhook 5xx' },
    { event: 'acknowledged', time: at(56), who: 'Dana' },
    { event: 'mitigated', time: at(190) },
    { event: 'resolved', time: at(1500), who: 'Lee' },
    { time: at(120), who: 'Lee', note: 'worker rolled back' },
  ];
  const actions = [{ title: 'Give the session back on every error path', owner: 'Backend on-call', due: '2026-11-24', ticket: 'FM-031', status: 'in-progress' as const }];

  it('merges the events into the timeline and measures detect, acknowledge, mitigate and resolve', async () => {
    const analysis = analyzeIncident(bundle, none, { review: { timeline, actions } });
    expect(analysis.review.durations).toMatchObject({ detectMinutes: 49, acknowledgeMinutes: 7, mitigateMinutes: 190, resolveMinutes: 1500, onset: first });
    const review = analysis.timeline.filter((entry) => entry.kind === 'review');
    expect(review.map((entry) => entry.label)).toEqual(['Detected: pager: webhook 5xx', 'Acknowledged', 'worker rolled back', 'Mitigated', 'Resolved']);
    expect(analysis.keyTimeline.filter((entry) => entry.kind === 'review')).toHaveLength(5);
    const files = (await renderMarkdown(analysis)).files;
    const report = files.get('root-cause-report.md') ?? '';
    expect(report).toContain('| Time to detect | 49 min |');
    expect(report).toContain('| Time to resolve | 25 h 0 min |');
    expect(report).toMatch(/\| Detected: pager: webhook 5xx \(Dana \(on-call\)\) \|/);
    const summary = files.get('summary.md') ?? '';
    expect(summary).toContain('| Give the session back on every error path | Backend on-call | 2026-11-24 | FM-031 | in-progress |');
    expect(summary).toContain('Detect 49 min, acknowledge 7 min, mitigate 3 h 10 min, resolve 25 h 0 min');
  });

  it('assesses the escalation criteria on the review times', () => {
    const late = analyzeIncident(bundle, { ...none, rootCause: 'x', confirmedBy: { author: 'Dana', date: at(49 + 5 * 60) } }, { review: { timeline, actions } });
    expect(late.review.escalation.find((criterion) => criterion.id === 'root-cause-deadline')).toMatchObject({ status: 'met', basis: 'confirmed 5.0 h after detected (incident.yaml)' });
    const early = analyzeIncident(bundle, { ...none, rootCause: 'x', confirmedBy: { author: 'Dana', date: at(49 + 60) } }, { review: { timeline, actions } });
    expect(early.review.escalation.find((criterion) => criterion.id === 'root-cause-deadline')?.status).toBe('not-met');
    const production = analyzeIncident({ ...bundle, incident: { ...bundle.incident, environment: 'production' } }, none);
    expect(production.review.escalation.find((criterion) => criterion.id === 'production-affected')?.status).toBe('met');
    expect(early.review.escalation.find((criterion) => criterion.id === 'production-affected')?.status).toBe('unknown');
    expect(early.review.escalation.find((criterion) => criterion.id === 'infrastructure-fix')?.status).toBe(early.recommendation.letter === 'C' ? 'met' : 'not-met');
  });
});
