// Remedies shared by several signatures, grouped by the resource they fix (a remedy id means one action everywhere).
import { remedy } from './define.ts';

// PostgreSQL server side
export const pgRaiseMaxConnections = remedy(
  'pg-raise-max-connections',
  'C',
  'Raise the server connection limit or put a transaction-mode pooler (PgBouncer, Supavisor) in front of it, sized to the sum of all application pools.',
  ['postgresql max_connections', 'pgbouncer default_pool_size', 'pgbouncer max_client_conn'],
);
export const pgFindIdleSessions = remedy(
  'pg-find-idle-sessions',
  'A',
  'Find the sessions holding connections (pg_stat_activity by state and application_name) and close or return them in the code that opens them.',
  ['pg_stat_activity'],
);
export const pgIdleInTxTimeout = remedy('pg-idle-in-transaction-timeout', 'B', 'Set a server-side timeout so sessions idle in a transaction are terminated instead of holding connections and locks.', [
  'idle_in_transaction_session_timeout',
]);
export const pgRetryTransaction = remedy('pg-retry-serialization', 'A', 'Retry the whole transaction on serialization failures and deadlocks (SQLSTATE 40001, 40P01) with a bounded back-off.', [
  'SQLSTATE 40001',
  'SQLSTATE 40P01',
]);
export const pgLockOrder = remedy(
  'pg-consistent-lock-order',
  'A',
  'Take row locks in one consistent order (e.g. ORDER BY id FOR UPDATE) and keep transactions short so they cannot wait on each other.',
);
export const pgLockTimeout = remedy('pg-lock-timeout', 'B', 'Bound lock waits so a blocked statement fails fast instead of piling up sessions.', ['lock_timeout']);
export const pgFindBlocker = remedy('pg-find-blocker', 'C', 'Find and end the blocking session (pg_blocking_pids, pg_stat_activity) and the job that holds it.', [
  'pg_blocking_pids()',
  'pg_terminate_backend()',
]);
export const pgStatementTimeout = remedy('pg-statement-timeout-review', 'B', 'Review the statement time limit for this workload and index or rewrite the slow statement it cancels.', [
  'statement_timeout',
  'EXPLAIN (ANALYZE, BUFFERS)',
]);
export const pgValidateInput = remedy('pg-validate-before-write', 'A', 'Validate or normalise the values before writing them, and handle the violation as a user error instead of a crash.');
export const pgMigrate = remedy('pg-run-migrations', 'C', 'Run the pending schema migrations in the deploy step before the new code serves traffic, or roll the code back.', ['migrations']);
export const pgCredentials = remedy('pg-check-credentials', 'B', 'Check the database URL, user, password and pg_hba.conf rules the service uses in this environment.', ['DATABASE_URL', 'pg_hba.conf']);
export const pgDiskSpace = remedy('pg-free-disk', 'C', 'Free or grow the database volume (WAL, temp files, bloat) and alert on free space before it runs out.', ['max_wal_size', 'temp_file_limit']);
export const pgMemory = remedy('pg-memory-settings', 'B', 'Lower per-query memory or connection count so the server fits in its memory.', ['work_mem', 'max_connections', 'shared_buffers']);
export const pgFailover = remedy('pg-failover-reconnect', 'A', 'Reconnect and retry idempotent work when the server restarts or fails over; check the pool validates connections before use.');
export const pgCheckServer = remedy('pg-check-server-health', 'C', 'Check the database server is up, reachable from the service and not restarting (server log, provider status).');

// Application database pools (generic)
export const poolReturnConnections = remedy('pool-return-connections', 'A', 'Make every code path return its connection (context manager / finally / try-with-resources), including error paths.');
export const poolReduceHoldTime = remedy('pool-shorter-hold-time', 'A', 'Do not hold a pooled connection across slow work (HTTP calls, file processing); open it only around the queries.');

// Redis
export const redisPoolSize = remedy('redis-pool-size', 'B', 'Size the Redis client pool to the concurrency that uses it and bound how long a caller waits for a connection.', [
  'redis-py max_connections',
  'BlockingConnectionPool timeout',
  'go-redis PoolSize/PoolTimeout',
  'Jedis maxTotal/maxWait',
  'connection_pool size/timeout',
]);
export const redisReturnConnections = remedy('redis-return-connections', 'A', 'Release Redis connections after use (no long-held pipelines, pub/sub or blocking commands on the shared pool).');
export const redisMaxclients = remedy('redis-maxclients', 'C', 'Raise Redis maxclients or reduce the number of clients (pool sizes times processes) connecting to it.', [
  'redis maxclients',
  'CLIENT LIST',
]);
export const redisMaxmemory = remedy('redis-maxmemory', 'C', 'Give Redis more memory or an eviction policy that fits the data, and set TTLs on cache keys.', [
  'maxmemory',
  'maxmemory-policy',
  'EXPIRE',
]);
export const redisReconnect = remedy('redis-client-retry', 'B', 'Configure the client to reconnect with back-off and a bounded queue instead of failing every command while Redis is away.', [
  'ioredis retryStrategy',
  'ioredis maxRetriesPerRequest',
  'redis-py retry_on_timeout',
  'socket_connect_timeout',
]);
export const redisCheckServer = remedy('redis-check-server', 'C', 'Check the Redis server is up and reachable from the service (host, port, TLS, provider status).', ['REDIS_URL']);
export const redisPersistence = remedy('redis-persistence-disk', 'C', 'Fix the snapshot failure (disk space, permissions, fork memory) or turn off stop-writes-on-bgsave-error for a pure cache.', [
  'stop-writes-on-bgsave-error',
  'dir',
  'vm.overcommit_memory',
]);
export const redisPrimary = remedy('redis-write-to-primary', 'B', 'Point writes at the primary (or follow failover with Sentinel/cluster discovery) instead of a read-only replica.', [
  'REDIS_URL',
  'sentinel',
]);

// Network and upstreams
export const netCheckTarget = remedy(
  'net-check-target-listening',
  'C',
  'Check the target service is running and listening on the host and port the client uses (and that firewalls or security groups allow it).',
);
export const netRetryBackoff = remedy('net-retry-backoff', 'A', 'Retry idempotent calls on connection errors with bounded exponential back-off and jitter.');
export const netTimeouts = remedy('net-client-timeouts', 'B', "Set explicit connect and read timeouts on the client that fit the upstream's latency, with a total deadline per request.");
export const netKeepalive = remedy(
  'net-keepalive-idle',
  'B',
  "Keep client idle timeouts shorter than the server's or load balancer's, so pooled connections are not reused after the peer closed them.",
  ['keepAliveTimeout', 'pool idle timeout'],
);
export const upstreamCircuitBreaker = remedy(
  'upstream-circuit-breaker',
  'A',
  'Wrap calls to the upstream in a circuit breaker with a fallback, so its outage degrades one feature instead of failing requests.',
);
export const upstreamRateLimit = remedy('upstream-respect-rate-limit', 'A', 'Throttle calls to the upstream below its limit and honour Retry-After with back-off; queue bursts.', ['Retry-After']);
export const upstreamQuota = remedy('upstream-raise-quota', 'C', 'Ask the provider for a higher quota or plan, or spread the calls over time.');
export const upstreamStatus = remedy('upstream-check-status', 'C', "Check the upstream provider's status and its own error logs for the window; contact them with request ids.");
export const upstreamScale = remedy('upstream-scale-app', 'C', 'Scale or restart the application behind the proxy and find why it stopped answering (crash, OOM, blocked workers).');
export const proxyTimeouts = remedy('proxy-upstream-timeouts', 'B', "Align the proxy's upstream timeouts with the application's real latency, and make slow work asynchronous.", [
  'proxy_read_timeout',
  'proxy_connect_timeout',
]);

// DNS, TLS
export const dnsCheckName = remedy('dns-check-name', 'B', 'Check the host name in the configuration is spelled right and resolvable from where the service runs (internal vs public DNS).');
export const dnsResolver = remedy('dns-resolver-health', 'C', 'Check the resolver the service uses (cluster DNS, /etc/resolv.conf) is up and not throttling; cache lookups in the client.', [
  '/etc/resolv.conf',
  'ndots',
]);
export const tlsTrustStore = remedy('tls-trust-store', 'B', "Install the issuing CA in the client's trust store (or point the client at the right CA bundle) instead of disabling verification.", [
  'SSL_CERT_FILE',
  'REQUESTS_CA_BUNDLE',
  'NODE_EXTRA_CA_CERTS',
  'javax.net.ssl.trustStore',
]);
export const tlsRenew = remedy('tls-renew-certificate', 'C', 'Renew the expired certificate and automate renewal with an expiry alert.');
export const tlsHostname = remedy('tls-hostname', 'B', 'Connect with the host name the certificate is issued for, or reissue it with the right subject alternative names.');
export const tlsProtocol = remedy('tls-protocol-match', 'B', 'Make client and server agree on TLS versions and ciphers, and check the client speaks TLS to a TLS port (not plain HTTP).');

// Memory, disk, limits
export const memRaiseLimit = remedy('memory-raise-limit', 'C', 'Give the process more memory (instance size, container limit) while the cause is fixed.', ['container memory limit', 'instance type']);
export const memFindGrowth = remedy('memory-find-growth', 'A', 'Find what grows (heap snapshot, tracemalloc, pprof) and stream or batch the large data instead of loading it whole.');
export const memWorkers = remedy('memory-fewer-workers', 'B', 'Run fewer workers per instance or recycle them after N tasks so their memory fits the limit.', [
  'gunicorn --workers/--max-requests',
  'celery --concurrency/--max-tasks-per-child',
  'WEB_CONCURRENCY',
]);
export const diskFree = remedy('disk-free-space', 'C', 'Free or grow the volume (logs, temp files, caches, images) and alert on free space.');
export const diskRotate = remedy('disk-rotate-logs', 'B', 'Rotate and cap logs and temporary files so they cannot fill the disk.', ['logrotate', 'max log size']);
export const fdLimit = remedy('fd-limit', 'B', 'Raise the open-file limit and find leaked sockets or files (connections not closed).', ['ulimit -n', 'LimitNOFILE']);

// Code
export const codeFixDefect = remedy('code-fix-defect', 'A', 'Fix the code at the first application frame of the stack trace and add a test reproducing the failing input.');
export const codeGuardNull = remedy('code-guard-missing-value', 'A', 'Handle the missing value (None/null/nil) where it enters the code path instead of dereferencing it.');
export const codeRollback = remedy('code-roll-back', 'C', 'Roll back the deploy that introduced the error while the fix is made.');
export const configFix = remedy('config-fix-setting', 'B', "Correct the setting in this environment's configuration and compare it with the environment that works.");
export const configSecret = remedy('config-provide-secret', 'B', 'Provide the missing environment variable, secret or file to the service in this environment.');
export const jobIdempotent = remedy('job-idempotent-retry', 'A', 'Make the job idempotent and retry it with back-off; send jobs that keep failing to a dead-letter queue with their error.');
export const jobTimeLimit = remedy('job-time-limit', 'B', 'Fit the task time limit to the real duration, or split the task so each part finishes within it.', [
  'celery task_time_limit/task_soft_time_limit',
  'sidekiq timeout',
]);
