// Sixteen incident generators over six stacks and all nine categories; wording, volume and timing vary with the seed.
// Error texts are as the libraries print them (Go runtime and net/http, V8, node-postgres, ioredis, axios, pino-http,
// Python requests/urllib3, psycopg2, redis-py, Spring/HikariCP/PgJDBC, Rails/ActiveRecord/pg, nginx, PostgreSQL 15).
import type { HypothesisCategory } from '../../src/analysis/types.ts';
import { Rng } from './rng.ts';
import { MINUTE, plan, simulate, type Endpoint, type Failure, type Noise, type Plan } from './simulate.ts';
import { GoWriter, JavaWriter, PinoBehindNginxWriter, PinoWriter, PlainLog, PostgresLog, PythonWriter, RenderTextWriter, RubyWriter, type AppError, type Writer } from './writers.ts';

export interface Incident {
  name: string;
  stack: string;
  category: HypothesisCategory;
  files: Record<string, string>;
  manifest: Record<string, unknown>;
  truth: { failedRequests: number; causeRecords: number };
}

const iso = (time: number): string => new Date(time).toISOString();
const id = (rng: Rng): string => String(rng.int(1000, 99999));

function manifest(name: string, p: Plan, title: string, sources: Record<string, unknown>[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: `BENCH-${name}`,
    title,
    severity: 'P2',
    environment: 'staging',
    service: name,
    window: { start: iso(p.start), end: iso(p.start + p.minutes * MINUTE) },
    sources,
    ...extra,
  };
}

// ------------------------------------------------------------------ shared noise (background before the onset, and misleading)

const NODE_FRAME = (rng: Rng, file: string, fn: string): string => `    at ${fn} (/app/${file}:${rng.int(10, 300)}:${rng.int(5, 40)})`;

const backgroundPool: ((rng: Rng) => AppError)[] = [
  (rng) => ({ level: 'warn', message: `Slow query took ${rng.int(1200, 4000)}ms: SELECT * FROM audit_events WHERE created_at > $1`, logger: 'app.db' }),
  (rng) => ({
    level: 'error',
    message: `read ECONNRESET`,
    type: 'Error',
    stack: ['    at TLSWrap.onStreamRead (node:internal/stream_base_commons:217:20)'],
    fields: { code: 'ECONNRESET', target: `metrics-${rng.int(1, 3)}.internal:8125` },
  }),
  (rng) => ({ level: 'warn', message: `geocoder responded 429 Too Many Requests, retrying in ${rng.int(1, 9)}s`, logger: 'app.geo' }),
  (rng) => ({ level: 'error', message: `Failed to send email to user ${id(rng)}: SMTP 421 4.7.0 Try again later`, logger: 'app.mail' }),
  () => ({ level: 'warn', message: 'DeprecationWarning: The legacy session cookie format will be removed in v5', logger: 'app.auth' }),
  (rng) => ({ level: 'error', message: `context deadline exceeded calling recommendations.internal:9090 after ${rng.int(800, 2000)}ms`, logger: 'app.recs' }),
];

function background(rng: Rng): Noise[] {
  const count = rng.int(1, 2);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(rng.int(0, backgroundPool.length - 1));
  return [...chosen].map((index) => ({ perHour: rng.float(6, 30), error: backgroundPool[index]! }));
}

const misleadingPool: ((rng: Rng) => AppError)[] = [
  (rng) => ({ level: 'error', message: `HTTP 503 Service Unavailable from api.partner-${rng.int(1, 9)}.com`, logger: 'app.partner' }),
  (rng) => ({ level: 'error', message: `canceling statement due to statement timeout`, logger: 'app.reports', fields: { query: `report_${rng.int(1, 9)}` } }),
  () => ({ level: 'error', message: `getaddrinfo EAI_AGAIN telemetry.vendor.io`, type: 'Error', fields: { code: 'EAI_AGAIN' } }),
  (rng) => ({ level: 'error', message: `OutOfMemoryError in thumbnail worker ${rng.int(1, 4)}: image too large`, logger: 'app.thumbs' }),
];

function misleading(rng: Rng, exclude: HypothesisCategory): Noise[] {
  const categories: HypothesisCategory[] = ['upstream-dependency', 'db-lock-contention', 'network-connectivity', 'resource-exhaustion'];
  const options = misleadingPool.filter((_, index) => categories[index] !== exclude);
  return [{ perHour: 0, error: rng.pick(options), from: 'onset', total: rng.int(2, 6) }];
}

function deployLog(rng: Rng, p: Plan, lead: number, ok = true): PlainLog {
  const log = new PlainLog('logs/deploys.log', 'deploy-events', 'CI/CD deploy events');
  const at = p.start + (p.onset - lead) * MINUTE - rng.int(0, 50_000);
  const version = `v${rng.int(1, 4)}.${rng.int(0, 40)}.${rng.int(0, 9)}`;
  log.add(at, `deployment started: ${version} (${rng.hex(7)}) by ci`);
  log.add(at + rng.int(40, 110) * 1000, ok ? `deployment succeeded: ${version} is live` : `deployment failed: ${version}`);
  // An earlier, harmless deploy in some incidents.
  if (rng.chance(0.5) && p.onset - lead > 60) log.add(p.start + rng.int(5, p.onset - lead - 50) * MINUTE, `deployment succeeded: v${rng.int(1, 4)}.${rng.int(0, 40)}.${rng.int(0, 9)} is live`);
  return log;
}

function endpoints(rng: Rng, affected: string[], others: string[]): Endpoint[] {
  const make = (spec: string, hit: boolean): Endpoint => {
    const [method, path] = spec.split(' ') as [string, string];
    return { method, path: (r) => path.replace(/:id/g, () => String(r.int(100, 99999))), weight: rng.float(1, 5), affected: hit };
  };
  return [...affected.map((spec) => make(spec, true)), ...others.map((spec) => make(spec, false))];
}

function run(
  rng: Rng,
  name: string,
  category: HypothesisCategory,
  writer: Writer,
  p: Plan,
  eps: Endpoint[],
  fail: (time: number) => Failure | undefined,
  options: {
    extraFiles?: Record<string, string>;
    extraSources?: Record<string, unknown>[];
    manifestExtra?: Record<string, unknown>;
    title: string;
    tick?: (minute: number, time: number) => void;
    noMisleading?: boolean;
  },
): Incident {
  const truth = simulate({
    rng,
    plan: p,
    writer,
    endpoints: eps,
    fail: (time) => fail(time),
    ...(options.tick ? { tick: options.tick } : {}),
    background: background(rng),
    misleading: options.noMisleading ? [] : misleading(rng, category),
  });
  return {
    name,
    stack: writer.stack,
    category,
    files: { ...writer.files(), ...(options.extraFiles ?? {}) },
    manifest: manifest(name, p, options.title, [...writer.sources(), ...(options.extraSources ?? [])], options.manifestExtra),
    truth,
  };
}

// ------------------------------------------------------------------ the generators

type Generator = (seed: number) => Incident;

/** Go: a nil map/pointer dereference shipped by a deploy; net/http recovers the panic and logs the goroutine dump. */
const goPanic: Generator = (seed) => {
  const rng = new Rng(seed);
  const p = plan(rng);
  const writer = new GoWriter();
  const deploys = deployLog(rng, p, rng.int(1, 8));
  const line = rng.int(40, 220);
  const file = rng.pick(['internal/orders/handler.go', 'api/checkout.go', 'pkg/cart/service.go']);
  const fn = rng.pick(['(*Handler).ServeOrder', '(*Service).Checkout', '(*CartService).Total']);
  const message = rng.pick(['runtime error: invalid memory address or nil pointer dereference', 'assignment to entry in nil map']);
  const eps = endpoints(rng, ['POST /api/orders', 'GET /api/orders/:id'], ['GET /healthz', 'GET /api/products']);
  return run(
    rng,
    'go-panic',
    'code-defect',
    writer,
    p,
    eps,
    () =>
      rng.chance(rng.float(0.6, 0.95))
        ? {
            status: 500,
            errors: [
              {
                offset: 2,
                cause: true,
                error: {
                  level: 'error',
                  message: `http: panic serving 10.0.${rng.int(0, 9)}.${rng.int(2, 250)}:${rng.int(30000, 60000)}: ${message}`,
                  stack: [
                    `goroutine ${rng.int(20, 900)} [running]:`,
                    'net/http.(*conn).serve.func1()',
                    '\t/usr/local/go/src/net/http/server.go:1868 +0xb9',
                    `panic({0x8a1e40?, 0xd4c2b0?})`,
                    '\t/usr/local/go/src/runtime/panic.go:920 +0x270',
                    `github.com/acme/shop/${file.replace(/\/[^/]+$/, '')}.${fn}(0xc0001a2000, {0xa1b2c8, 0xc0004b6000}, 0xc000512100)`,
                    `\t/app/${file}:${line} +0x${rng.hex(3)}`,
                    'net/http.HandlerFunc.ServeHTTP(0x0?, {0xa1b2c8?, 0xc0004b6000?}, 0x0?)',
                    '\t/usr/local/go/src/net/http/server.go:2136 +0x29',
                  ],
                },
              },
            ],
          }
        : undefined,
    { title: 'Orders API returns 500 after the afternoon release', extraFiles: deploys.files(), extraSources: deploys.sources() },
  );
};

/** Python behind nginx: a KeyError in the app's own code after a deploy; the code source is collected. */
const pythonKeyError: Generator = (seed) => {
  const rng = new Rng(seed);
  const p = plan(rng);
  const writer = new PythonWriter();
  const deploys = deployLog(rng, p, rng.int(1, 10));
  const key = rng.pick(['currency', 'tax_rate', 'shipping_zone', 'price_cents']);
  const line = rng.int(20, 60);
  const code = Array.from({ length: line + 10 }, (_, index) =>
    index + 1 === line ? `    total = order["${key}"] * quantity` : index === 0 ? 'def charge(order, quantity):' : `    # step ${index}`,
  ).join('\n');
  const eps = endpoints(rng, ['POST /api/charge'], ['GET /api/health', 'GET /api/invoices/:id']);
  return run(
    rng,
    'python-keyerror',
    'code-defect',
    writer,
    p,
    eps,
    () =>
      rng.chance(rng.float(0.5, 0.9))
        ? {
            status: 500,
            errors: [
              {
                offset: 3,
                cause: true,
                error: {
                  level: 'error',
                  logger: 'app.billing',
                  message: `KeyError: '${key}'`,
                  stack: [
                    '  File "/usr/local/lib/python3.11/site-packages/flask/app.py", line 1484, in full_dispatch_request',
                    '    rv = self.dispatch_request()',
                    '  File "/app/billing/views.py", line 31, in charge_view',
                    '    return charge(order, qty)',
                    `  File "/app/billing/charge.py", line ${line}, in charge`,
                    `    total = order["${key}"] * quantity`,
                  ],
                },
              },
            ],
          }
        : undefined,
    {
      title: 'Charges fail with 500 since the release',
      extraFiles: { ...deploys.files(), 'code/billing/charge.py': code },
      extraSources: [...deploys.sources(), { id: 'billing-code', kind: 'code', root: 'code', files: [{ path: 'billing/charge.py', why: 'charge computation' }] }],
    },
  );
};

/** Node/pino: a TypeError in a route handler for orders without a customer (no deploy: new data). */
const nodeTypeError: Generator = (seed) => {
  const rng = new Rng(seed);
  const p = plan(rng);
  const writer = new PinoWriter(`api-${rng.hex(4)}`);
  const prop = rng.pick(['id', 'email', 'address', 'length']);
  const file = rng.pick(['src/routes/orders.js', 'src/services/invoice.js', 'dist/handlers/cart.js']);
  const eps = endpoints(rng, ['GET /api/orders/:id', 'GET /api/orders'], ['GET /health', 'POST /api/login']);
  return run(
    rng,
    'node-typeerror',
    'code-defect',
    writer,
    p,
    eps,
    () =>
      rng.chance(rng.float(0.3, 0.8))
        ? {
            status: 500,
            errors: [
              {
                offset: 4,
                cause: true,
                error: {
                  level: 'error',
                  type: 'TypeError',
                  message: `Cannot read properties of undefined (reading '${prop}')`,
                  stack: [
                    NODE_FRAME(rng, file, 'serializeOrder'),
                    NODE_FRAME(rng, file, 'Layer.handle [as handle_request]').replace('/app/', '/app/node_modules/express/lib/router/'),
                    '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
                  ],
                },
              },
            ],
          }
        : undefined,
    { title: 'Order pages fail for some customers' },
  );
};

/** Spring Boot behind nginx: HikariCP runs out of connections (slow report query holding them). */
const javaHikari: Generator = (seed) => {
  const rng = new Rng(seed);
  const p = plan(rng);
  const writer = new JavaWriter();
  const timeout = rng.pick([30000, 20000, 10000]);
  const eps = endpoints(rng, ['GET /orders/:id', 'POST /orders', 'GET /cart'], ['GET /actuator/health']);
  return run(
    rng,
    'java-hikari',
    'db-pool-exhaustion',
    writer,
    p,
    eps,
    () =>
      rng.chance(rng.float(0.4, 0.9))
        ? {
            status: rng.pick([500, 503]),
            errors: [
              {
                offset: timeout % 997,
                cause: true,
                error: {
                  level: 'error',
                  message: `org.springframework.transaction.CannotCreateTransactionException: Could not open JPA EntityManager for transaction; nested exception is org.hibernate.exception.JDBCConnectionException: Unable to acquire JDBC Connection`,
                  stack: [
                    `\tat org.springframework.orm.jpa.JpaTransactionManager.doBegin(JpaTransactionManager.java:467)`,
                    `\tat com.acme.shop.orders.OrderService.find(OrderService.java:${rng.int(30, 90)})`,
                    `Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after ${timeout}ms (total=${rng.pick([10, 20])}, active=${rng.pick([10, 20])}, idle=0, waiting=${rng.int(3, 40)})`,
                    `\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)`,
                  ],
                },
              },
            ],
          }
        : undefined,
    { title: 'Shop API times out under normal load' },
  );
};

/** Node + node-postgres: the pool cannot hand out clients; PostgreSQL also refuses new connections. */
const nodePgPool: Generator = (seed) => {
  const rng = new Rng(seed);
  const p = plan(rng);
  const writer = new PinoWriter(`web-${rng.hex(4)}`);
  const pg = new PostgresLog();
  const eps = endpoints(rng, ['GET /api/search', 'GET /api/items/:id'], ['GET /healthz']);
  const incident = run(
    rng,
    'node-pg-pool',
    'db-pool-exhaustion',
    writer,
    p,
    eps,
    (time) => {
      if (!rng.chance(rng.float(0.5, 0.9))) return undefined;
      if (rng.chance(0.15)) pg.add(time + 5, rng.int(2000, 9000), 'FATAL', 'sorry, too many clients already');
      return {
        status: 500,
        errors: [
          {
            offset: rng.int(1000, 5000),
            cause: true,
            error: {
              level: 'error',
              type: 'Error',
              message: 'timeout exceeded when trying to connect',
              stack: ['    at /app/node_modules/pg-pool/index.js:45:11', NODE_FRAME(rng, 'src/db/search.js', 'async searchItems')],
            },
          },
        ],
      };
    },
    { title: 'Search API fails intermittently', extraSources: pg.sources() },
  );
  incident.files = { ...incident.files, ...pg.files() };
  return incident;
};

/** Go + PostgreSQL log: a long migration transaction holds a lock; statements time out waiting for it. */
const goLockTimeout: Generator = (seed) => {
  const rng = new Rng(seed);
  const p = plan(rng);
  const writer = new GoWriter();
  const pg = new PostgresLog();
  const table = rng.pick(['accounts', 'balances', 'inventory']);
  const eps = endpoints(rng, ['POST /v1/transfers', 'PUT /v1/accounts/:id'], ['GET /v1/health', 'GET /v1/rates']);
  const incident = run(
    rng,
    'go-lock-timeout',
    'db-lock-contention',
    writer,
    p,
    eps,
    (time) => {
      if (!rng.chance(rng.float(0.5, 0.9))) return undefined;
      const pid = rng.int(3000, 9000);
      pg.add(time + 1000, pid, 'LOG', `process ${pid} still waiting for RowExclusiveLock on relation ${rng.int(16384, 17000)} of database 16384 after 1000.${rng.int(100, 999)} ms`, [
        'DETAIL:  Process holding the lock: 2211. Wait queue: ' + pid + '.',
      ]);
      pg.add(time + 3000, pid, 'ERROR', 'canceling statement due to lock timeout', [`STATEMENT:  UPDATE ${table} SET balance = balance - $1 WHERE id = $2`]);
      return {
        status: 500,
        errors: [{ offset: 3002, cause: true, error: { level: 'error', message: 'transfer failed', fields: { err: `ERROR: canceling statement due to lock timeout (SQLSTATE 55P03)`, table } } }],
      };
    },
    { title: 'Transfers fail with 500 during the maintenance window', extraSources: pg.sources() },
  );
  incident.files = { ...incident.files, ...pg.files() };
  return incident;
};

/** Rails behind nginx: concurrent updates of the same rows deadlock. */
const railsDeadlock: Generator = (seed) => {
  const rng = new Rng(seed);
  const p = plan(rng);
  const writer = new RubyWriter();
  const eps = endpoints(rng, ['POST /orders', 'PATCH /carts/:id'], ['GET /up', 'GET /products']);
  return run(
    rng,
    'rails-deadlock',
    'db-lock-contention',
    writer,
    p,
    eps,
    () =>
      rng.chance(rng.float(0.3, 0.7))
        ? {
            status: 500,
            errors: [
              {
                offset: rng.int(200, 1500),
                cause: true,
                error: {
                  level: 'fatal',
                  message: `ActiveRecord::Deadlocked (PG::TRDeadlockDetected: ERROR:  deadlock detected`,
                  stack: [
                    `DETAIL:  Process ${rng.int(1000, 9000)} waits for ShareLock on transaction ${rng.int(100000, 999999)}; blocked by process ${rng.int(1000, 9000)}.`,
                    `Process ${rng.int(1000, 9000)} waits for ShareLock on transaction ${rng.int(100000, 999999)}; blocked by process ${rng.int(1000, 9000)}.`,
                    'HINT:  See server log for query details.',
                    `CONTEXT:  while updating tuple (${rng.int(0, 90)},${rng.int(1, 40)}) in relation "line_items"`,
                    '):',
                    '  ',
                    `app/models/cart.rb:${rng.int(20, 80)}:in 'block in merge_items!'`,
                    `app/controllers/orders_controller.rb:${rng.int(10, 40)}:in 'create'`,
                  ],
                },
              },
            ],
          }
        : undefined,
    { title: 'Checkout errors during the sale' },
  );
};

/** Node + node-postgres: double submits violate the idempotency key's unique constraint. */
const nodeUnique: Generator = (seed) => {
  const rng = new Rng(seed);
  const p = plan(rng);
  const writer = new PinoWriter(`payments-${rng.hex(4)}`);
  const constraint = rng.pick(['payments_idempotency_key_key', 'orders_external_ref_key', 'subscriptions_user_id_plan_key']);
  const eps = endpoints(rng, ['POST /v2/payments'], ['GET /v2/payments/:id', 'GET /health']);
  return run(
    rng,
    'node-unique',
    'db-constraint-violation',
    writer,
    p,
    eps,
    () =>
      rng.chance(rng.float(0.3, 0.7))
        ? {
            status: 500,
            errors: [
              {
                offset: 20,
                cause: true,
                error: {
                  level: 'error',
                  type: 'error',
                  message: `duplicate key value violates unique constraint "${constraint}"`,
                  fields: { code: '23505', detail: `Key (${constraint.replace(/_key$/, '').split('_').slice(1).join('_')})=(${rng.hex(12)}) already exists.` },
                  stack: ['    at /app/node_modules/pg/lib/client.js:526:17', '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)'],
                },
              },
            ],
          }
        : undefined,
    { title: 'Payments fail for retried submissions' },
  );
};

/** Spring behind nginx: a foreign key violation when orders reference customers not yet imported. */
const javaForeignKey: Generator = (seed) => {
  const rng = new Rng(seed);
  const p = plan(rng);
  const writer = new JavaWriter();
  const eps = endpoints(rng, ['POST /orders'], ['GET /orders/:id', 'GET /actuator/health']);
  return run(
    rng,
    'java-fk',
    'db-constraint-violation',
    writer,
    p,
    eps,
    () =>
      rng.chance(rng.float(0.3, 0.8))
        ? {
            status: 500,
            errors: [
              {
                offset: 40,
                cause: true,
                error: {
                  level: 'error',
                  message:
                    'org.springframework.dao.DataIntegrityViolationException: could not execute statement; SQL [n/a]; constraint [fk_orders_customer]; nested exception is org.hibernate.exception.ConstraintViolationException: could not execute statement',
                  stack: [
                    '\tat org.springframework.orm.jpa.vendor.HibernateJpaDialect.convertHibernateAccessException(HibernateJpaDialect.java:276)',
                    `Caused by: org.postgresql.util.PSQLException: ERROR: insert or update on table "orders" violates foreign key constraint "fk_orders_customer"`,
                    `  Detail: Key (customer_id)=(${rng.int(1000, 99999)}) is not present in table "customers".`,
                    '\tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2676)',
                  ],
                },
              },
            ],
          }
        : undefined,
    { title: 'Some orders cannot be placed' },
  );
};

/** Python behind nginx: DNS for the payment provider fails from the service's network. */
const pythonDns: Generator = (seed) => {
  const rng = new Rng(seed);
  const p = plan(rng);
  const writer = new PythonWriter();
  const host = rng.pick(['api.stripe.com', 'api.adyen.com', 'hooks.slack.com']);
  const eps = endpoints(rng, ['POST /api/checkout'], ['GET /api/health', 'GET /api/products']);
  return run(
    rng,
    'python-dns',
    'network-connectivity',
    writer,
    p,
    eps,
    () =>
      rng.chance(rng.float(0.6, 0.95))
        ? {
            status: 502,
            errors: [
              {
                offset: 5,
                cause: true,
                error: {
                  level: 'error',
                  logger: 'app.payments',
                  message: `requests.exceptions.ConnectionError: HTTPSConnectionPool(host='${host}', port=443): Max retries exceeded with url: /v1/charges (Caused by NameResolutionError("<urllib3.connection.HTTPSConnection object at 0x7f${rng.hex(10)}>: Failed to resolve '${host}' ([Errno -3] Temporary failure in name resolution)"))`,
                  stack: [
                    '  File "/app/payments/client.py", line 58, in create_charge',
                    '    resp = self.session.post(url, json=payload, timeout=10)',
                    '  File "/usr/local/lib/python3.12/site-packages/requests/adapters.py", line 700, in send',
                    '    raise ConnectionError(e, request=request)',
                  ],
                },
              },
            ],
          }
        : undefined,
    { title: 'Checkout fails with 502' },
  );
};

/** Go: the link to an internal service drops packets; reads reset and dials time out. */
const goNetwork: Generator = (seed) => {
  const rng = new Rng(seed);
  const p = plan(rng);
  const writer = new GoWriter();
  const target = `10.0.${rng.int(1, 9)}.${rng.int(2, 250)}:${rng.pick([8080, 9000, 7070])}`;
  const eps = endpoints(rng, ['GET /v1/quotes', 'POST /v1/quotes'], ['GET /v1/health']);
  return run(
    rng,
    'go-network',
    'network-connectivity',
    writer,
    p,
    eps,
    () =>
      rng.chance(rng.float(0.4, 0.9))
        ? {
            status: 502,
            errors: [
              {
                offset: rng.int(100, 5000),
                cause: true,
                error: {
                  level: 'error',
                  message: 'pricing call failed',
                  fields: {
                    err: rng.chance(0.5)
                      ? `Get "http://${target}/price": dial tcp ${target}: i/o timeout`
                      : `read tcp 10.0.0.${rng.int(2, 250)}:${rng.int(30000, 60000)}->${target}: read: connection reset by peer`,
                  },
                },
              },
            ],
          }
        : undefined,
    { title: 'Quotes fail with 502' },
  );
};

/** Node/axios: the shipping provider answers 503 and then 429 under the retry storm. */
const nodeAxiosUpstream: Generator = (seed) => {
  const rng = new Rng(seed);
  const p = plan(rng);
  const writer = new PinoWriter(`shipping-${rng.hex(4)}`);
  const host = rng.pick(['api.shipengine.com', 'api.easypost.com', 'rates.carrier.example']);
  const eps = endpoints(rng, ['POST /api/shipments', 'GET /api/rates'], ['GET /health']);
  return run(
    rng,
    'node-axios-upstream',
    'upstream-dependency',
    writer,
    p,
    eps,
    () => {
      if (!rng.chance(rng.float(0.5, 0.9))) return undefined;
      const status = rng.chance(0.7) ? 503 : 429;
      return {
        status: 502,
        errors: [
          {
            offset: rng.int(100, 900),
            cause: true,
            error: {
              level: 'error',
              type: 'AxiosError',
              message: `Request failed with status code ${status}`,
              fields: { code: 'ERR_BAD_RESPONSE', url: `https://${host}/v1/rates`, status },
              stack: [
                '    at settle (/app/node_modules/axios/dist/node/axios.cjs:1966:12)',
                '    at IncomingMessage.handleStreamEnd (/app/node_modules/axios/dist/node/axios.cjs:3065:11)',
                NODE_FRAME(rng, 'src/shipping/rates.js', 'async getRates'),
              ],
            },
          },
        ],
      };
    },
    { title: 'Shipping rates unavailable' },
  );
};

/** nginx in front of a Python app that stopped listening: connect() refused to the upstream. */
const nginxUpstreamDown: Generator = (seed) => {
  const rng = new Rng(seed);
  const p = plan(rng);
  const writer = new PythonWriter();
  const port = rng.pick([8000, 8080, 5000]);
  const eps = endpoints(rng, ['GET /api/reports/:id', 'POST /api/reports', 'GET /'], ['GET /static/app.css']);
  let connection = rng.int(1000, 5000);
  let refused = 0;
  const incident = run(
    rng,
    'nginx-upstream-down',
    'upstream-dependency',
    writer,
    p,
    eps,
    () => {
      return rng.chance(rng.float(0.7, 1))
        ? {
            status: 502,
            errors: [],
            extra: (start, request) => {
              writer.nginx.error(
                start + 1,
                'error',
                `connect() failed (111: Connection refused) while connecting to upstream, client: ${request.client}, server: reports.example.com, request: "${request.method} ${request.path} HTTP/1.1", upstream: "http://127.0.0.1:${port}${request.path}", host: "reports.example.com"`,
                connection++,
              );
              refused++;
            },
          }
        : undefined;
    },
    { title: 'Reports site answers 502 Bad Gateway' },
  );
  incident.truth.causeRecords = refused;
  return incident;
};

/** nginx in front of a Node app that runs out of heap and restarts: nginx's refusals are the consequence, V8's fatal report (on stderr, between the JSON lines) the cause. */
const nginxNodeOom: Generator = (seed) => {
  const rng = new Rng(seed);
  const p = plan(rng);
  const writer = new PinoBehindNginxWriter(`catalog-${rng.hex(5)}`);
  const port = rng.pick([3000, 8080, 4000]);
  const period = rng.int(5, 12);
  const down = new Set<number>();
  const eps = endpoints(rng, ['GET /api/catalog/:id', 'POST /api/search', 'GET /api/cart'], ['GET /healthz']);
  let connection = rng.int(1000, 5000);
  let deaths = 0;
  let pid = rng.int(20, 90);
  const incident = run(
    rng,
    'nginx-node-oom',
    'resource-exhaustion',
    writer,
    p,
    eps,
    (time) => {
      const minute = Math.floor((time - p.start) / MINUTE);
      if (!down.has(minute) || !rng.chance(rng.float(0.7, 0.95))) return undefined;
      return {
        status: 502,
        errors: [],
        extra: (start, request) =>
          writer.nginx.error(
            start + 1,
            'error',
            `connect() failed (111: Connection refused) while connecting to upstream, client: ${request.client}, server: shop.example.com, request: "${request.method} ${request.path} HTTP/1.1", upstream: "http://127.0.0.1:${port}${request.path}", host: "shop.example.com"`,
            connection++,
          ),
      };
    },
    {
      title: 'Catalog answers 502 Bad Gateway in waves',
      tick: (minute, time) => {
        if (minute < p.onset || minute >= p.recovery || (minute - p.onset) % period !== 0) return;
        deaths++;
        const heap = rng.int(1900, 4000);
        const reason = rng.pick(['Reached heap limit', 'Ineffective mark-compacts near heap limit', 'CALL_AND_RETRY_LAST']);
        writer.stderr(time + 500, [
          '',
          '<--- Last few GCs --->',
          '',
          `[${pid}:0x${rng.hex(7)}]  ${rng.int(100000, 900000)} ms: Mark-Compact ${heap}.${rng.int(0, 9)} (${heap + 37}.1) -> ${heap - 1}.9 (${heap + 37}.4) MB, ${rng.int(900, 2500)}.42 / 0.00 ms  (average mu = 0.1${rng.int(0, 9)}, current mu = 0.0${rng.int(0, 9)}) allocation failure; scavenge might not succeed`,
          '',
          '<--- JS stacktrace --->',
          '',
          `FATAL ERROR: ${reason} Allocation failed - JavaScript heap out of memory`,
          ' 1: 0xb7b3e0 node::Abort() [node]',
          ' 2: 0xa8c8aa  [node]',
        ]);
        pid++;
        const downFor = rng.int(1, 3);
        for (let offset = 0; offset < downFor; offset++) down.add(minute + offset);
        writer.info(time + downFor * MINUTE, `Server listening at http://0.0.0.0:${port}`);
      },
    },
  );
  incident.truth.causeRecords = deaths;
  return incident;
};

/** Render: the new release cannot start (a module missing from the build); instances crash and requests fail. */
const renderBadDeploy: Generator = (seed) => {
  const rng = new Rng(seed);
  const p = plan(rng);
  const writer = new RenderTextWriter();
  const module = rng.pick(["'./lib/feature-flags'", "'dotenv/config'", "'@acme/sdk'"]);
  const deployAt = p.start + (p.onset - rng.int(1, 4)) * MINUTE;
  writer.info(deployAt, '==> Deploying...');
  writer.info(deployAt + 20_000, "==> Running 'node server.js'");
  let crashes = 0;
  const eps = endpoints(rng, ['GET /api/profile', 'GET /api/feed', 'POST /api/posts'], []);
  const incident = run(
    rng,
    'render-bad-deploy',
    'deploy-regression',
    writer,
    p,
    eps,
    (time) => {
      if (!rng.chance(rng.float(0.5, 0.9))) return undefined;
      const errors: Failure['errors'] = [];
      if (crashes++ % rng.int(6, 12) === 0)
        errors.push({
          offset: -500,
          cause: true,
          withId: false,
          error: {
            level: 'error',
            type: 'Error',
            message: `Cannot find module ${module}`,
            stack: [
              'Require stack:',
              '- /opt/render/project/src/server.js',
              '    at Module._resolveFilename (node:internal/modules/cjs/loader:1145:15)',
              '    at Module._load (node:internal/modules/cjs/loader:986:27)',
              '    at Module.require (node:internal/modules/cjs/loader:1233:19)',
              '    at require (node:internal/modules/helpers:179:18)',
            ],
          },
        });
      void time;
      return { status: 502, errors };
    },
    { title: 'Site down after deploy' },
  );
  return incident;
};

/** Kubernetes: the Node worker's heap grows until V8 aborts; the kubelet restarts the container (OOMKilled). */
const k8sHeapOom: Generator = (seed) => {
  const rng = new Rng(seed);
  const p = plan(rng);
  const writer = new PinoWriter(`export-${rng.hex(5)}`);
  const events = new PlainLog('logs/k8s-events.log', 'k8s-events', 'kubectl get events (timestamped)');
  const pod = `export-api-${rng.hex(9)}-${rng.hex(5)}`;
  const period = rng.int(6, 15);
  const down = new Set<number>();
  const eps = endpoints(rng, ['POST /api/exports', 'GET /api/exports/:id'], ['GET /healthz']);
  let causeEvents = 0;
  const incident = run(
    rng,
    'k8s-heap-oom',
    'resource-exhaustion',
    writer,
    p,
    eps,
    (time) => {
      const minute = Math.floor((time - p.start) / MINUTE);
      return down.has(minute) && rng.chance(0.9) ? { status: 503, errors: [] } : undefined;
    },
    {
      title: 'Exports fail and the API restarts',
      tick: (minute, time) => {
        if (minute < p.onset || minute >= p.recovery || (minute - p.onset) % period !== 0) return;
        causeEvents += 2;
        writer.error(time + 1000, { level: 'fatal', type: 'Error', message: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory' });
        events.add(
          time + 3000,
          `Warning OOMKilling node/${pod.slice(0, 12)} Memory cgroup out of memory: Killed process ${rng.int(1000, 30000)} (node) total-vm:${rng.int(1500000, 2500000)}kB, anon-rss:${rng.int(480000, 520000)}kB`,
        );
        events.add(time + 8000, `Warning BackOff pod/${pod} Back-off restarting failed container api in pod ${pod}_default`);
        for (let offset = 0; offset < rng.int(1, 3); offset++) down.add(minute + offset);
      },
    },
  );
  incident.files = { ...incident.files, ...events.files() };
  (incident.manifest.sources as Record<string, unknown>[]).push(...events.sources());
  incident.truth.causeRecords = causeEvents / 2;
  return incident;
};

/** Node + ioredis: staging's config names a Redis host that does not resolve (production's differs); a config source is collected. */
const configRedisHost: Generator = (seed) => {
  const rng = new Rng(seed);
  const p = plan(rng);
  const writer = new PinoWriter(`sessions-${rng.hex(4)}`);
  const wrong = rng.pick(['redis-stg.internal', 'redis.staging.svc', 'cache-01.stage.local']);
  const right = 'redis.internal';
  const staging = `redis:\n  host: ${wrong}\n  port: 6379\n  maxRetriesPerRequest: 3\nhttp:\n  timeout_ms: ${rng.pick([3000, 5000])}\n`;
  const production = `redis:\n  host: ${right}\n  port: 6379\n  maxRetriesPerRequest: 3\nhttp:\n  timeout_ms: 5000\n`;
  const eps = endpoints(rng, ['POST /api/login', 'GET /api/session'], ['GET /health']);
  return run(
    rng,
    'config-redis-host',
    'config-drift',
    writer,
    p,
    eps,
    () =>
      rng.chance(rng.float(0.6, 0.95))
        ? {
            status: 500,
            errors: [
              {
                offset: 30,
                cause: true,
                error: {
                  level: 'error',
                  type: 'Error',
                  message: `getaddrinfo ENOTFOUND ${wrong}`,
                  fields: { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: wrong },
                  stack: ['    at GetAddrInfoReqWrap.onlookup [as oncomplete] (node:dns:107:26)'],
                },
              },
            ],
          }
        : undefined,
    {
      title: 'Logins fail in staging',
      extraFiles: { 'config/staging.yaml': staging, 'config/production.yaml': production },
      extraSources: [{ id: 'service-config', kind: 'config', left: { label: 'staging', path: 'config/staging.yaml' }, right: { label: 'production', path: 'config/production.yaml' } }],
    },
  );
};

export const GENERATORS: Record<string, Generator> = {
  'go-panic': goPanic,
  'python-keyerror': pythonKeyError,
  'node-typeerror': nodeTypeError,
  'java-hikari': javaHikari,
  'node-pg-pool': nodePgPool,
  'go-lock-timeout': goLockTimeout,
  'rails-deadlock': railsDeadlock,
  'node-unique': nodeUnique,
  'java-fk': javaForeignKey,
  'python-dns': pythonDns,
  'go-network': goNetwork,
  'node-axios-upstream': nodeAxiosUpstream,
  'nginx-upstream-down': nginxUpstreamDown,
  'nginx-node-oom': nginxNodeOom,
  'render-bad-deploy': renderBadDeploy,
  'k8s-heap-oom': k8sHeapOom,
  'config-redis-host': configRedisHost,
};
