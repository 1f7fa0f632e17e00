// Template miner: masking of variables, clustering of unmasked variables, order independence, entity ids.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractEntities, generalize, maskToken, maskedTokens, TemplateMiner } from '../../../src/lib/log-templates/index.ts';

function mine(messages: string[]): string[] {
  const miner = new TemplateMiner();
  const groups = messages.map((message) => miner.add(message));
  const { clusters, clusterOf } = miner.finish();
  return groups.map((group) => clusters[clusterOf[group]!]!.template);
}

describe('masking', () => {
  it('masks numbers, ids, addresses, URLs, emails, times and file paths but keeps words and routes', () => {
    expect(maskedTokens('Job 8812 failed after 3.5s at 2026-11-20T08:00:00Z')).toEqual(['Job', '<*>', 'failed', 'after', '<*>', 'at', '<*>']);
    expect(maskToken('10.251.73.220:50010')).toBe('<*>:<*>');
    expect(maskToken('7f9c2b1e-1111-2222-3333-444455556666')).toBe('<*>');
    expect(maskToken('0x7fff5fbff8c8')).toBe('<*>');
    expect(maskToken('user=root')).toBe('user=root');
    expect(maskToken('job_id=abc-42,')).toBe('job_id=<*>,');
    expect(maskToken('https://example.com/a/b?x=1')).toBe('https://<*>');
    expect(maskToken('bob@example.com')).toBe('<*>');
    expect(maskToken('/var/log/app/worker.log')).toBe('<*>');
    expect(maskToken('/api/jobs/8812/webhook')).toBe('/api/jobs/<*>/webhook');
    expect(maskToken('ssh2')).toBe('ssh2');
    expect(maskToken('(TID')).toBe('(TID');
    expect(maskToken('[DFSClient_NONMAPREDUCE_1537864556_1]')).toBe('[<*>]');
  });

  it("gives a token the same mask however often it was seen and whatever came between (the cache's admission and eviction)", () => {
    const tokens = ['10.251.73.220:50010', 'job_id=abc-42,', 'https://example.com/a/b?x=1', '/api/jobs/8812/webhook', '1171ms', 'user:30755:profile', 'bob@example.com', '(pid=42)', 'ssh2', 'GET'];
    const first = tokens.map(maskToken);
    const flood = Array.from({ length: 70_000 }, (_, index) => `id=${index.toString(36)}x${index}`);
    for (const round of [0, 1, 2]) {
      for (const token of flood.slice(round * 20_000, round * 20_000 + 30_000)) maskToken(token);
      expect(tokens.map(maskToken)).toEqual(first);
      expect(tokens.map(maskToken)).toEqual(first);
    }
    // The message splitter counts digits and hashes as it goes: its masks are those of maskToken, token by token (no size units or dates here).
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...tokens, ...flood.slice(0, 50), '42', '7f9c2b1e-1111-2222-3333-444455556666', 'word'), { maxLength: 12 }), (words) => {
        expect(maskedTokens(words.join(' '))).toEqual(words.map(maskToken));
      }),
    );
  });

  it('generalises differing tokens around a shared delimiter', () => {
    expect(generalize(['user=root', 'user=ftp', 'user=guest'])).toBe('user=<*>');
    expect(generalize(['root', 'admin'])).toBe('<*>');
  });
});

describe('template miner', () => {
  it('merges a position with many values (user names) but not one with two constant words', () => {
    const users = ['root', 'admin', 'oracle', 'guest', 'test'];
    const templates = mine([...users.map((user) => `Invalid user ${user} from 10.0.0.1`), 'Server started on port 80', 'Server stopped on port 80']);
    expect(new Set(templates.slice(0, 5))).toEqual(new Set(['Invalid user <*> from <*>']));
    expect(templates.slice(5)).toEqual(['Server started on port <*>', 'Server stopped on port <*>']);
  });

  it('is independent of input order', () => {
    const messages = ['a', 'b', 'c', 'd', 'e'].flatMap((user, index) => [
      `Accepted password for ${user} from 10.0.0.${index} port 22`,
      `Connection closed by ${user} [preauth]`,
      `Worker ${index} ready`,
    ]);
    const expected = new Map(messages.map((message, index) => [message, mine(messages)[index]!]));
    fc.assert(
      fc.property(fc.shuffledSubarray(messages, { minLength: messages.length, maxLength: messages.length }), (shuffled) => {
        const templates = mine(shuffled);
        for (const [index, message] of shuffled.entries()) expect(templates[index]).toBe(expected.get(message));
      }),
      { numRuns: 30 },
    );
  });

  it('gives stable ids derived from the template text', () => {
    const miner = new TemplateMiner();
    miner.add('Job 1 done');
    const first = miner.finish().clusters[0]!.id;
    const again = new TemplateMiner();
    again.add('Job 2 done');
    expect(again.finish().clusters[0]!.id).toBe(first);
  });
});

describe('entity ids', () => {
  it('finds job, document, request and user ids in key=value, nouns, paths and fields', () => {
    const found = extractEntities('Job 8814 failed: job_id=abc-42 document_id="d-9" GET /users/u77/profile requestId: r123', { 'req.id': 'req-5', jobId: 'J77' });
    const pairs = found.map((mention) => `${mention.kind}:${mention.id}`).sort();
    expect(pairs).toEqual(['document-id:d-9', 'job-id:8814', 'job-id:J77', 'job-id:abc-42', 'request-id:r123', 'request-id:req-5', 'user-id:u77'].sort());
    expect(extractEntities('job failed for user bob')).toEqual([]);
  });
});

describe('bounded memory', () => {
  it('merges new distinct messages into coarse groups once the cap is reached', () => {
    const miner = new TemplateMiner(50);
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];
    for (const a of words) for (const b of words) for (const c of words) miner.add(`event ${a} ${b} ${c} done`);
    expect(miner.size).toBeLessThanOrEqual(51);
    const { clusters } = miner.finish();
    expect(clusters.reduce((sum, cluster) => sum + cluster.count, 0)).toBe(words.length ** 3);
  });
});

describe('neighbour rules', () => {
  it('joins auto-scaled size units to their number and masks day/month names of written dates', () => {
    expect(maskedTokens('stored (estimated size 16.0 B, free 366.1 KB)')).toEqual(['stored', '(estimated', 'size', '<*>,', 'free', '<*>)']);
    expect(maskedTokens('took 12 ms')).toEqual(['took', '<*>', 'ms']);
    expect(maskedTokens('changed at Fri Jul 16 10:12:01 PDT 2005')).toEqual(['changed', 'at', '<*>', '<*>', '<*>', '<*>', '<*>', '<*>']);
    expect(maskedTokens('May I help')).toEqual(['May', 'I', 'help']);
  });
});

describe('absorbing rare instances', () => {
  it('puts a rare message whose variables were not masked into the frequent template it instantiates', () => {
    const messages = [
      ...[1, 2, 3, 4].map((n) => `Registering class type-${n}00 for class handler-${n}00`),
      'Registering class com.history.Type for class com.history.Handler',
      'Unregistering class com.history.Type for class com.history.Handler',
    ];
    const templates = mine(messages);
    expect(new Set(templates.slice(0, 5))).toEqual(new Set(['Registering class <*> for class <*>']));
    expect(templates[5]).toBe('Unregistering class com.history.Type for class com.history.Handler');
  });
});

describe('dotted values', () => {
  it('keeps the words of dotted pieces, masks host names whole', () => {
    expect(maskToken('core.2275')).toBe('core.<*>');
    expect(maskToken('instruction......0')).toBe('instruction......<*>');
    expect(maskToken('rhost=5.36.59.76.dynamic-dsl-ip.omantel.net.om')).toBe('rhost=<*>');
    expect(generalize(['rhost=<*>', 'rhost=<*>.example']).toString()).toBe('rhost=<*>');
  });
});
