// Advice follows the attributed cause's signature and resource; joins of stuck jobs with webhooks count every id.
import { describe, expect, it } from 'vitest';
import { attribute } from '../../../src/analysis/attribution/index.ts';
import { correlate } from '../../../src/analysis/correlation.ts';
import { databaseFindings } from '../../../src/analysis/database.ts';
import { gatherFacts } from '../../../src/analysis/facts.ts';
import { rankHypotheses } from '../../../src/analysis/hypotheses.ts';
import { draftSolutions } from '../../../src/analysis/solutions.ts';
import { draftPlan } from '../../../src/analysis/plan.ts';
import type { DatabaseEvidence, EvidenceBundle, LogEntity } from '../../../src/evidence/schema.ts';
import { bundle, every } from './fixtures.ts';

describe('advice fits the cause', () => {
  it('a Redis pool running dry gets the signature’s Redis remedies, not PostgreSQL settings', () => {
    const evidence = bundle({
      failures: every(60, 120).map((offset): [number, number] => [offset, 2]),
      families: [{ id: 'pool', message: 'redis.exceptions.ConnectionError: Too many connections', at: every(60, 120).flatMap((offset) => [offset, offset]) }],
    });
    const attribution = attribute(evidence, []);
    const hypotheses = rankHypotheses([], {}, attribution);
    hypotheses[0]!.role = 'root-cause';
    const facts = gatherFacts(evidence, [], hypotheses);
    const solutions = draftSolutions(facts, hypotheses[0]!.category, undefined);
    const texts = solutions.options.flatMap((option) => option.changes.map((change) => change.text)).join('\n');
    expect(hypotheses[0]!.category).toBe('db-pool-exhaustion');
    expect(texts).not.toMatch(/idle_in_transaction_session_timeout|PgBouncer|Supavisor|lock_timeout/);
    const remedies = hypotheses[0]!.remedies ?? [];
    expect(remedies.length).toBeGreaterThan(0);
    for (const remedy of remedies) expect(texts).toContain(remedy.action);
    // The recommended option is the one the signature remedies first, and the plan starts with its changes.
    expect(solutions.recommendation.letter).toBe(remedies[0]!.option);
    const recommended = solutions.options.find((option) => option.letter === solutions.recommendation.letter)!;
    const plan = draftPlan(facts, recommended);
    expect(plan.steps[0]!.text).toContain(remedies.find((remedy) => remedy.option === recommended.letter)!.action);
  });
});

function databaseEvidence(ids: string[]): DatabaseEvidence {
  const listed = ids.slice(0, 200);
  return {
    engine: 'postgres',
    serverVersion: '15.6',
    jobTable: { table: 'public.jobs', idColumn: 'id', stateColumn: 'state', inFlightStates: ['running'], stuckAfterMinutes: 15 },
    constraints: [],
    checks: [
      { id: 'stuck-jobs', title: 'stuck', sql: '', rows: listed.map((id) => ({ id, state: 'running', updated_at: '2026-10-06T12:00:00Z' })), rowCount: listed.length, truncated: true, status: 'ok' },
      { id: 'stuck-job-age', title: 'age', sql: '', rows: [{ state: 'running', jobs: ids.length, over_24h: 0, max_minutes: 90 }], rowCount: 1, truncated: false, status: 'ok' },
      { id: 'stuck-job-ids', title: 'ids', sql: '', rows: [{ jobs: ids.length, ids: ids.join(',') }], rowCount: 1, truncated: false, status: 'ok' },
    ],
  };
}

describe('exact counts', () => {
  it('joins all 450 stuck jobs with the webhook outcomes, not the 200 listed', () => {
    const ids = Array.from({ length: 450 }, (_, index) => `job-${1000 + index}`);
    const entities: LogEntity[] = ids.map((id, index) => ({
      kind: 'job-id',
      id,
      records: 1,
      errors: 1,
      file: 'logs/app.log',
      line: index + 1,
      webhook:
        index % 3 === 0
          ? { attempts: 0, delivered: 0, failed: 1, requests: 1, requestsFailed: 1 }
          : index % 3 === 1
            ? { attempts: 0, delivered: 1, failed: 0, requests: 1 }
            : { attempts: 0, delivered: 0, failed: 0 },
    }));
    const base = bundle({ families: [] });
    const logs = base.sources[0]!;
    (logs.evidence as { entities: LogEntity[] }).entities = entities;
    const database = databaseEvidence(ids);
    const evidence: EvidenceBundle = {
      ...base,
      sources: [logs, { id: 'db', kind: 'database', status: 'ok', warnings: [], provenance: { description: 'fixture', collectedAt: base.collectedAt }, durationMs: 0, evidence: database }],
    };
    const findings = databaseFindings('db', database);
    const stuck = findings.find((finding) => finding.signal === 'stuck-jobs')!;
    expect(stuck.count).toBe(450);
    expect(stuck.entities?.['job-id']).toHaveLength(450);
    const summary = correlate(evidence, findings)!;
    expect(summary.stuck).toBe(450);
    expect(summary.stuckWithFailedWebhook).toBe(150);
    expect(summary.stuckWithoutWebhook).toBe(150);
    expect(summary.stuckUnexplained).toBe(150);
  });
});
