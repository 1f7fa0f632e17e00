// The error-signature catalogue: shape (zod), breadth (ecosystems, SQLSTATE classes), every example classified to its
// own signature, near misses left alone, and every pattern bounded in time on 50,000-character hostile inputs.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HYPOTHESIS_CATEGORIES } from '../../../src/analysis/types.ts';
import { classifiedText, classifyError, compiledPatterns, matchingSignatures, SIGNATURES, signatureById } from '../../../src/lib/error-signatures/index.ts';

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const RESOURCES = ['postgres', 'redis', 'mysql', 'http-upstream', 'dns', 'tls', 'network', 'memory', 'disk', 'cpu', 'process', 'application-code', 'configuration', 'queue', 'platform'] as const;

const signatureSchema = z
  .object({
    id: z.string().regex(KEBAB),
    title: z.string().min(3),
    category: z.enum(HYPOTHESIS_CATEGORIES),
    signal: z.string().min(3),
    resource: z.enum(RESOURCES),
    match: z
      .object({
        patterns: z.array(z.string().min(3)).optional(),
        exceptionTypes: z.array(z.string().min(3)).optional(),
        errno: z.array(z.string().min(2)).optional(),
        sqlstate: z.array(z.string().regex(/^[0-9A-Z]{5}$/)).optional(),
        httpStatus: z.array(z.number().int().min(100).max(599)).optional(),
      })
      .strict()
      .refine((match) => Object.values(match).some((list) => list && list.length > 0), 'a signature needs at least one recogniser'),
    remedies: z.array(z.object({ id: z.string().regex(KEBAB), option: z.enum(['A', 'B', 'C']), action: z.string().min(10), settings: z.array(z.string().min(1)).optional() }).strict()).min(1),
    examples: z.array(z.object({ text: z.string().min(3), source: z.string().min(2) }).strict()).min(1),
    priority: z.number().int().optional(),
    ecosystem: z.enum(['python', 'node', 'go', 'java', 'ruby', 'postgres', 'redis', 'http', 'nginx', 'platform', 'tls', 'dns', 'disk', 'os']),
    resourceFrom: z.array(z.string().min(3)).optional(),
  })
  .strict();

describe('error-signature catalogue: shape', () => {
  it('every signature passes the schema', () => {
    for (const signature of SIGNATURES) {
      const parsed = signatureSchema.safeParse(signature);
      expect(parsed.success, `${signature.id}: ${parsed.success ? '' : parsed.error.message}`).toBe(true);
    }
  });

  it('ids are unique and a remedy id means one action everywhere', () => {
    const ids = SIGNATURES.map((signature) => signature.id);
    expect(new Set(ids).size).toBe(ids.length);
    const actions = new Map<string, string>();
    for (const remedy of SIGNATURES.flatMap((signature) => signature.remedies)) {
      const known = actions.get(remedy.id);
      if (known !== undefined) expect(remedy.action, remedy.id).toBe(known);
      actions.set(remedy.id, remedy.action);
    }
    expect(signatureById('postgres-too-many-connections')?.category).toBe('db-pool-exhaustion');
    expect(signatureById('no-such-signature')).toBeUndefined();
  });

  it('every pattern compiles as RE2 (linear-time engine)', () => {
    const patterns = compiledPatterns();
    const sources = SIGNATURES.reduce(
      (sum, signature) =>
        sum + (signature.match.patterns?.length ?? 0) + (signature.match.exceptionTypes?.length ?? 0) + (signature.match.errno?.length ?? 0) + (signature.match.sqlstate?.length ?? 0),
      0,
    );
    expect(patterns.length).toBe(sources);
    for (const pattern of patterns) expect(() => pattern.regex, pattern.source).not.toThrow();
  });
});

describe('error-signature catalogue: breadth', () => {
  it('holds at least 300 signatures', () => {
    expect(SIGNATURES.length).toBeGreaterThanOrEqual(300);
  });

  it('covers every ecosystem of the issue with several signatures', () => {
    const byEcosystem = new Map<string, number>();
    for (const signature of SIGNATURES) byEcosystem.set(signature.ecosystem!, (byEcosystem.get(signature.ecosystem!) ?? 0) + 1);
    for (const [ecosystem, minimum] of Object.entries({ python: 60, node: 40, go: 20, java: 25, ruby: 15, postgres: 40, redis: 8, http: 5, nginx: 5, platform: 15, tls: 3, dns: 3, disk: 3 })) {
      expect(byEcosystem.get(ecosystem) ?? 0, ecosystem).toBeGreaterThanOrEqual(minimum);
    }
  });

  it('names the libraries it covers in its examples', () => {
    const sources = SIGNATURES.flatMap((signature) => signature.examples.map((example) => example.source)).join('\n');
    for (const library of [
      'CPython',
      'requests',
      'httpx',
      'aiohttp',
      'psycopg2',
      'psycopg 3',
      'psycopg_pool',
      'asyncpg',
      'SQLAlchemy',
      'Celery',
      'Django',
      'redis-py',
      'gunicorn',
      'pg 8',
      'pg-pool',
      'Prisma',
      'Knex',
      'ioredis',
      '@redis/client',
      'axios',
      'undici',
      'V8',
      'Go 1.22',
      'database/sql',
      'pgx',
      'go-redis',
      'OpenJDK',
      'PgJDBC',
      'HikariCP',
      'Spring',
      'OkHttp',
      'Jedis',
      'Lettuce',
      'ActiveRecord',
      'pg 1.5',
      'Sidekiq',
      'connection_pool',
      'PostgreSQL 15',
      'PgBouncer',
      'Supavisor',
      'Redis 7.2',
      'nginx',
      'Envoy',
      'HAProxy',
      'Render',
      'Heroku',
      'Kubernetes',
      'Linux',
      'curl',
      'OpenSSL',
    ]) {
      expect(sources, library).toContain(library);
    }
  });

  it('has a signature for every PostgreSQL SQLSTATE class and the codes the issue names', () => {
    const codes = new Set(SIGNATURES.flatMap((signature) => signature.match.sqlstate ?? []));
    const classes = new Set([...codes].map((code) => code.slice(0, 2)));
    for (const klass of ['08', '0A', '22', '23', '25', '28', '3D', '40', '42', '53', '54', '55', '57', '58', 'XX']) expect(classes, klass).toContain(klass);
    for (const code of [
      '23000',
      '23001',
      '23502',
      '23503',
      '23505',
      '23514',
      '23P01',
      '40001',
      '40P01',
      '53100',
      '53200',
      '53300',
      '53400',
      '55P03',
      '57014',
      '57P01',
      '57P03',
      '25P02',
      '25P03',
      '28P01',
      '3D000',
      '42P01',
      '42703',
      'XX000',
    ]) {
      expect(codes, code).toContain(code);
    }
  });
});

describe('error-signature catalogue: corpus', () => {
  it('classifies every example to its own signature', () => {
    const misses: string[] = [];
    let examples = 0;
    for (const signature of SIGNATURES) {
      for (const example of signature.examples) {
        examples += 1;
        const match = classifyError(example.text);
        if (match?.signature.id !== signature.id) misses.push(`${signature.id} -> ${match?.signature.id ?? 'none'}: ${example.text.slice(0, 100)}`);
      }
    }
    expect(misses).toEqual([]);
    expect(examples).toBeGreaterThanOrEqual(SIGNATURES.length);
  });

  it("leaves near misses alone: settings named *timeout*, info lines, warnings that are not failures, a service's own access log", () => {
    const nearMisses = [
      '2024/05/02 14:03:11 [warn] 31#31: *4521 an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/1/00/0000000001 while reading upstream, client: 203.0.113.7, server: app.example.com, request: "GET /export.csv HTTP/1.1", upstream: "http://127.0.0.1:8000/export.csv", host: "app.example.com"',
      'statement_timeout = 30s',
      'connect_timeout: 10',
      'requests.get(url, timeout=30)',
      'rate_limit: 100',
      'pool_timeout=30 pool_size=5 max_overflow=10',
      'idle_in_transaction_session_timeout = 60000',
      'deadlock_timeout = 1s',
      'max_connections = 100',
      'Set lock_timeout to 5s for the migration',
      'LOG:  checkpoint complete: wrote 12 buffers (0.1%); 0 WAL file(s) added',
      '10.0.0.1 - - [02/May/2024:14:03:11 +0000] "GET /api/jobs HTTP/1.1" 500 612 "-" "curl/8.5"',
      'Connection pool is full, discarding connection: api.example.com. Connection pool size: 10',
      '2024/05/02 14:03:11 [error] 31#31: *1 open() "/usr/share/nginx/html/favicon.ico" failed (2: No such file or directory), client: 203.0.113.7',
      'INFO:     Uvicorn running on http://0.0.0.0:10000 (Press CTRL+C to quit)',
      'Task tasks.parse_document[4f6c2b1e] succeeded in 2.1s: None',
      'request completed in 120ms with status 200',
      'Successfully pulled image "registry.example.com/api:4e1b9c7" in 1.2s',
      'redis: connected to cache:6379',
      'container app CPU throttled 12% of periods',
      '2015-07-30 20:06:34,001 - INFO  [SessionTracker:ZooKeeperServer@325] - Expiring session 0x24ede63a01b003b, timeout of 10000ms exceeded',
    ];
    for (const text of nearMisses) expect(classifyError(text)?.signature.id, text).toBeUndefined();
  });
});

describe('classifyError: the most specific signature wins', () => {
  it('a driver pool time-out containing "timeout" is pool exhaustion, not a network error', () => {
    for (const text of [
      'sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00 (Background on this error at: https://sqlalche.me/e/20/3o7r)',
      'Error: timeout exceeded when trying to connect',
      'KnexTimeoutError: Knex: Timeout acquiring a connection. The pool is probably full. Are you missing a .transacting(trx) call?',
      'java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.',
      "psycopg_pool.PoolTimeout: couldn't get a connection after 30.00 sec",
    ]) {
      const match = classifyError(text);
      expect(match?.signature.signal, text).toBe('pool-exhaustion');
      expect(match?.signature.category, text).toBe('db-pool-exhaustion');
      expect(match?.resource, text).toBe('postgres');
    }
  });

  it('nginx refusing upstream connections is the application behind nginx, not PostgreSQL slots', () => {
    const match = classifyError(
      '2024/05/02 14:03:11 [error] 31#31: *4521 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.7, server: app.example.com, request: "GET /api/jobs HTTP/1.1", upstream: "http://10.0.2.14:8000/api/jobs", host: "app.example.com"',
    );
    expect(match?.signature.id).toBe('nginx-upstream-connection-refused');
    expect(match?.signature.category).toBe('upstream-dependency');
    expect(match?.signature.signal).not.toBe('connection-refused');
    expect(match?.resource).toBe('http-upstream');
    expect(match?.resourceName).toBe('10.0.2.14:8000');
  });

  it('a Redis pool running dry is a Redis resource with Redis settings as remedies', () => {
    for (const text of [
      'redis.exceptions.ConnectionError: Too many connections',
      'redis: connection pool timeout',
      'ConnectionPool::TimeoutError: Waited 1 sec, 0/5 available',
      'redis.clients.jedis.exceptions.JedisExhaustedPoolException: Could not get a resource since the pool is exhausted',
    ]) {
      const match = classifyError(text);
      expect(match?.resource, text).toBe('redis');
      const settings = match!.signature.remedies.flatMap((remedy) => remedy.settings ?? []).join(' ');
      expect(settings, text).not.toMatch(/idle_in_transaction|postgresql|statement_timeout|pgbouncer|pg_/);
      expect(settings, text).toMatch(/redis|Jedis|connection_pool|Sidekiq/i);
    }
  });

  it('errno messages spelled out in words are network failures', () => {
    for (const text of [
      'ConnectionRefusedError: [Errno 111] Connection refused',
      'socket.gaierror: [Errno -3] Temporary failure in name resolution',
      'ConnectionResetError: [Errno 104] Connection reset by peer',
      'OSError: [Errno 113] No route to host',
    ]) {
      expect(classifyError(text)?.signature.category, text).toBe('network-connectivity');
    }
  });

  it('reads the wrapped cause: the inner, specific error wins over the wrapper', () => {
    expect(
      classifyError('sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) connection to server at "db" (10.0.0.5), port 5432 failed: FATAL:  sorry, too many clients already')?.signature.id,
    ).toBe('postgres-too-many-connections');
    expect(classifyError("Task tasks.sync[9c1] raised unexpected: OperationalError('QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00')")?.signature.id).toBe(
      'sqlalchemy-queuepool-timeout',
    );
    expect(classifyError('fatal error: all goroutines are asleep - deadlock!')?.signature.category).toBe('code-defect');
  });

  it('reads the tail of a long traceback (the exception is printed last)', () => {
    const frames = Array.from({ length: 200 }, (_, index) => `  File "/app/lib/module_${index}.py", line ${index + 1}, in step_${index}\n    result = step_${index + 1}(payload)`).join('\n');
    const text = `Traceback (most recent call last):\n${frames}\nMemoryError`;
    expect(text.length).toBeGreaterThan(classifiedText(text).length);
    expect(classifyError(text)?.signature.id).toBe('python-memory-error');
  });

  it('uses structured hints: exception type, errno, SQLSTATE, upstream status, host', () => {
    expect(classifyError('boom', { sqlstate: '40P01' })?.signature.id).toBe('postgres-deadlock-detected');
    expect(classifyError('boom', { sqlstate: '57014' })?.signature.signal).toBe('statement-timeout');
    expect(classifyError('canceling statement due to statement timeout', { sqlstate: '57014' })?.signature.id).toBe('postgres-statement-timeout');
    expect(classifyError('request failed', { errno: 'ECONNREFUSED', host: 'cache:6379' })).toMatchObject({ by: 'errno', resourceName: 'cache:6379', resource: 'redis' });
    expect(classifyError('request failed', { httpStatus: 429 })?.signature.signal).toBe('upstream-rate-limit');
    expect(classifyError('failed', { exceptionType: 'psycopg_pool.PoolTimeout' })?.signature.id).toBe('psycopg-pool-timeout');
    expect(classifyError('{"level":50,"err":{"type":"DatabaseError","message":"x","code":"23505"}}')?.signature.id).toBe('postgres-unique-violation');
  });

  it('names the resource the record names', () => {
    expect(classifyError('Error: connect ECONNREFUSED 10.0.0.7:6379')).toMatchObject({ resourceName: '10.0.0.7:6379', resource: 'redis' });
    expect(classifyError('dial tcp 10.0.0.5:5432: connect: connection refused')).toMatchObject({ resourceName: '10.0.0.5:5432', resource: 'postgres' });
    expect(classifyError('Error: getaddrinfo ENOTFOUND api.example.com')).toMatchObject({ resourceName: 'api.example.com', resource: 'dns' });
    expect(classifyError("requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='api.example.com', port=443): Read timed out. (read timeout=30)")?.resourceName).toBe('api.example.com:443');
    expect(classifyError('redis.exceptions.ConnectionError: Error 111 connecting to cache.internal:6379. Connection refused.')?.resourceName).toBe('cache.internal:6379');
  });

  it('lists every matching signature, best first', () => {
    const all = matchingSignatures('sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00');
    expect(all[0]?.id).toBe('sqlalchemy-queuepool-timeout');
    expect(all.map((signature) => signature.id)).toContain('os-timed-out');
  });
});

describe('classifyError: hostile input', () => {
  const HOSTILE = [
    'a'.repeat(50_000),
    '('.repeat(50_000),
    ' '.repeat(50_000),
    'connect() failed ('.repeat(2_800).slice(0, 50_000),
    'Error 111 connecting to '.repeat(2_100).slice(0, 50_000),
    `${'x'.repeat(24_990)}\n${'Traceback (most recent call last):\n'.repeat(700)}`.slice(0, 50_000),
    Array.from({ length: 5_000 }, (_, index) => `k${index}=v${index}`)
      .join(' ')
      .slice(0, 50_000),
    '"'.repeat(25_000) + "'".repeat(25_000),
  ];

  it('every pattern finishes on every 50,000-character input within a bound', () => {
    const slowest: { id: string; ms: number } = { id: '', ms: 0 };
    for (const pattern of compiledPatterns()) {
      for (const input of HOSTILE) {
        const started = performance.now();
        pattern.regex.test(input);
        const elapsed = performance.now() - started;
        if (elapsed > slowest.ms) Object.assign(slowest, { id: `${pattern.signature.id} ${pattern.source}`, ms: elapsed });
      }
    }
    // A guard against hangs (a backtracking engine takes minutes on some of these), not a speed target.
    expect(slowest.ms, slowest.id).toBeLessThan(3_000);
  }, 300_000);

  it('classifyError returns on hostile inputs', () => {
    for (const input of HOSTILE) {
      const started = performance.now();
      classifyError(input);
      expect(performance.now() - started).toBeLessThan(5_000);
    }
  }, 120_000);
});
