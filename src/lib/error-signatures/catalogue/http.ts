// HTTP statuses an upstream answered (429, 500, 502, 503, 504) and proxy lines (nginx, Envoy, HAProxy, Cloudflare)
// that name a failure of the application behind them.
import { C, define, P, remedy } from './define.ts';
import * as R from './remedies.ts';

const h = define('http');
const n = define('nginx');
const r = String.raw;
const NGINX = 'nginx 1.24 error log';
/** An outbound call's verb before the status, so a service's own access-log line ("GET / 500") does not count. */
const VERB = r`(?:returned|responded(?: with)?|received|got|answered|failed with|HTTP error|HTTP)\W{0,3}(?:an? )?(?:HTTP |status |status code )?`;
const HTTP = 'application log (any HTTP client)';

export const HTTP_SIGNATURES = [
  h(
    'http-429-rate-limited',
    'Upstream rate limited (HTTP 429)',
    C.upstream,
    'upstream-rate-limit',
    'http-upstream',
    {
      httpStatus: [429],
      patterns: [
        VERB + r`429\b`,
        r`\b429 Too Many Requests\b`,
        r`\b(?:rate[ _-]?limit(?:ed\b| exceeded| reached)|too many requests\b|quota exceeded|requests? (?:was |were |is |are )?throttled\b|throttled by (?:the )?(?:api|server|upstream|provider)|ThrottlingException)`,
      ],
    },
    [R.upstreamRateLimit, R.upstreamQuota],
    [
      ['LlamaParse returned 429 Too Many Requests for job 42', HTTP],
      ['geolookup responded 429, retrying', HTTP],
      ['openai.RateLimitError: Error code: 429 - Rate limit reached for requests', 'openai-python 1.30'],
      ['botocore.exceptions.ClientError: An error occurred (ThrottlingException) when calling the InvokeModel operation: Too many requests, please wait before trying again.', 'botocore 1.34'],
    ],
    { priority: P.common + 10 },
  ),
  h(
    'http-500-upstream',
    'Upstream answered 500',
    C.upstream,
    'upstream-error',
    'http-upstream',
    { httpStatus: [500], patterns: [VERB + r`500\b`] },
    [R.upstreamStatus, R.upstreamCircuitBreaker, R.netRetryBackoff],
    [
      ['LlamaParse returned 500', HTTP],
      ['payment provider responded with status 500 (Internal Server Error)', HTTP],
    ],
    { priority: P.common + 5 },
  ),
  h(
    'http-502-upstream',
    'Upstream answered 502 Bad Gateway',
    C.upstream,
    'upstream-error',
    'http-upstream',
    { httpStatus: [502], patterns: [VERB + r`502\b`, r`\b502 Bad Gateway\b`] },
    [R.upstreamStatus, R.upstreamCircuitBreaker],
    [
      ['POST https://api.example.com/v1/parse failed with status 502', HTTP],
      ['<html><head><title>502 Bad Gateway</title></head>', 'nginx 1.24 error page'],
    ],
    { priority: P.common + 5 },
  ),
  h(
    'http-503-upstream',
    'Upstream answered 503 Service Unavailable',
    C.upstream,
    'upstream-error',
    'http-upstream',
    { httpStatus: [503], patterns: [VERB + r`503\b`, r`\b503 Service (?:Temporarily )?Unavailable\b`] },
    [R.upstreamStatus, R.upstreamCircuitBreaker, R.netRetryBackoff],
    [
      ['upstream returned 503 Service Unavailable', HTTP],
      ['webhook delivery got status code 503', HTTP],
    ],
    { priority: P.common + 5 },
  ),
  h(
    'http-504-upstream',
    'Upstream answered 504 Gateway Timeout',
    C.upstream,
    'upstream-error',
    'http-upstream',
    { httpStatus: [504], patterns: [VERB + r`504\b`, r`\b504 Gateway Time-?out\b`] },
    [R.upstreamStatus, R.netTimeouts],
    [['Received 504 Gateway Timeout from https://api.example.com/v1/parse', HTTP]],
    { priority: P.common + 5 },
  ),
  h(
    'http-5xx-upstream',
    'Upstream answered a 5xx status',
    C.upstream,
    'upstream-error',
    'http-upstream',
    { httpStatus: [501, 505, 507, 508, 520, 521, 522, 523, 524, 525, 526, 529], patterns: [VERB + r`5(?:0[15-9]|[1-9]\d)\b`] },
    [R.upstreamStatus, R.upstreamCircuitBreaker],
    [['storage API responded with 507', HTTP]],
    { priority: P.common },
  ),
  h(
    'envoy-upstream-connect-error',
    'Envoy: upstream connect error or reset',
    C.upstream,
    'upstream-error',
    'http-upstream',
    { patterns: [r`upstream connect error or disconnect/reset before headers\. (?:retried and the latest )?reset reason: [\w ]+`, r`\bno healthy upstream\b`] },
    [R.upstreamScale, R.netCheckTarget],
    [
      ['upstream connect error or disconnect/reset before headers. reset reason: connection failure', 'Envoy 1.29'],
      ['no healthy upstream', 'Envoy 1.29'],
    ],
    { priority: P.wrapper },
  ),
  h(
    'haproxy-server-down',
    'HAProxy: backend server down / none available',
    C.upstream,
    'upstream-error',
    'http-upstream',
    { patterns: [r`Server [\w.-]+/[\w.-]+ is DOWN, reason: [^,\n]+`, r`backend [\w.-]+ has no server available!`] },
    [R.upstreamScale],
    [
      ['Server app/app1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 0 active and 0 backup servers left.', 'HAProxy 2.8'],
      ['backend app has no server available!', 'HAProxy 2.8'],
    ],
    { priority: P.wrapper },
  ),
  h(
    'cloudflare-origin-error',
    'Cloudflare: origin unreachable (52x)',
    C.upstream,
    'upstream-error',
    'http-upstream',
    { patterns: [r`Error 52[0-4](?::| -)? (?:Web server is down|Connection timed out|Origin is unreachable|A timeout occurred|Web server is returning an unknown error)`] },
    [R.upstreamScale, R.netCheckTarget],
    [
      ['Error 522: Connection timed out', 'Cloudflare edge'],
      ['Error 521: Web server is down', 'Cloudflare edge'],
    ],
    { priority: P.wrapper },
  ),

  // nginx error log: the upstream is the application behind nginx
  n(
    'nginx-upstream-connection-refused',
    'nginx: application behind the proxy refused the connection',
    C.upstream,
    'upstream-error',
    'http-upstream',
    { patterns: [r`connect\(\) failed \(111: Connection refused\) while connecting to upstream`, r`connect\(\) to [^\s]+ failed \(111: Connection refused\) while connecting to upstream`] },
    [R.upstreamScale, R.netCheckTarget],
    [
      [
        '2024/05/02 14:03:11 [error] 31#31: *4521 connect() failed (111: Connection refused) while connecting to upstream, client: 203.0.113.7, server: app.example.com, request: "GET /api/jobs HTTP/1.1", upstream: "http://127.0.0.1:8000/api/jobs", host: "app.example.com"',
        NGINX,
      ],
    ],
    { priority: P.wrapper },
  ),
  n(
    'nginx-upstream-timed-out',
    'nginx: application behind the proxy timed out',
    C.upstream,
    'upstream-error',
    'http-upstream',
    { patterns: [r`upstream timed out \(110: (?:Connection|Operation) timed out\) while (?:reading response header from|connecting to|reading upstream|sending request to) upstream`] },
    [R.proxyTimeouts, R.upstreamScale],
    [
      [
        '2024/05/02 14:03:11 [error] 31#31: *4522 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 203.0.113.7, server: app.example.com, request: "POST /api/parse HTTP/1.1", upstream: "http://10.0.2.14:8000/api/parse", host: "app.example.com"',
        NGINX,
      ],
    ],
    { priority: P.wrapper },
  ),
  n(
    'nginx-no-live-upstreams',
    'nginx: no live upstreams',
    C.upstream,
    'upstream-error',
    'http-upstream',
    { patterns: [r`no live upstreams while connecting to upstream`] },
    [R.upstreamScale],
    [
      [
        '2024/05/02 14:03:12 [error] 31#31: *4530 no live upstreams while connecting to upstream, client: 203.0.113.7, server: app.example.com, request: "GET / HTTP/1.1", upstream: "http://backend/", host: "app.example.com"',
        NGINX,
      ],
    ],
    { priority: P.wrapper },
  ),
  n(
    'nginx-upstream-prematurely-closed',
    'nginx: application closed the connection without a full response',
    C.upstream,
    'upstream-error',
    'http-upstream',
    {
      patterns: [
        r`upstream prematurely closed connection while reading (?:response header from|upstream)`,
        r`recv\(\) failed \(104: Connection reset by peer\) while reading response header from upstream`,
        r`(?:writev|sendfile|send)\(\) failed \(32: Broken pipe\) while sending request to upstream`,
      ],
    },
    [R.upstreamScale, R.proxyTimeouts],
    [
      [
        '2024/05/02 14:03:13 [error] 31#31: *4533 upstream prematurely closed connection while reading response header from upstream, client: 203.0.113.7, server: app.example.com, request: "POST /api/parse HTTP/1.1", upstream: "http://127.0.0.1:8000/api/parse", host: "app.example.com"',
        NGINX,
      ],
      [
        '2024/05/02 14:03:13 [error] 31#31: *4534 recv() failed (104: Connection reset by peer) while reading response header from upstream, client: 203.0.113.7, server: app.example.com, request: "GET / HTTP/1.1", upstream: "http://127.0.0.1:8000/", host: "app.example.com"',
        NGINX,
      ],
    ],
    { priority: P.wrapper },
  ),
  n(
    'nginx-upstream-socket-missing',
    'nginx: application socket missing or its backlog full',
    C.upstream,
    'upstream-error',
    'http-upstream',
    { patterns: [r`connect\(\) to unix:\S+ failed \((?:2: No such file or directory|11: Resource temporarily unavailable|13: Permission denied)\) while connecting to upstream`] },
    [
      R.upstreamScale,
      remedy('app-socket-backlog', 'B', 'Start the application server before nginx uses its socket, and raise its backlog/workers if connections queue.', ['gunicorn --backlog', 'net.core.somaxconn']),
    ],
    [
      [
        '2024/05/02 14:03:11 [crit] 31#31: *12 connect() to unix:/run/gunicorn.sock failed (2: No such file or directory) while connecting to upstream, client: 203.0.113.7, server: _, request: "GET / HTTP/1.1", upstream: "http://unix:/run/gunicorn.sock:/", host: "app.example.com"',
        NGINX,
      ],
      ['2024/05/02 14:03:11 [error] 31#31: *13 connect() to unix:/tmp/php-fpm.sock failed (11: Resource temporarily unavailable) while connecting to upstream', NGINX],
    ],
    { priority: P.wrapper + 2 },
  ),
  n(
    'nginx-upstream-ssl',
    'nginx: TLS to the upstream failed',
    C.net,
    'network-error',
    'tls',
    { patterns: [r`upstream SSL certificate verify error: \([^)]*\) while SSL handshaking to upstream`, r`SSL_do_handshake\(\) failed \([^)]*\) while SSL handshaking to upstream`] },
    [R.tlsTrustStore, R.tlsProtocol],
    [
      [
        '2024/05/02 14:03:11 [error] 31#31: *14 upstream SSL certificate verify error: (20:unable to get local issuer certificate) while SSL handshaking to upstream, client: 203.0.113.7, server: app.example.com, request: "GET / HTTP/1.1", upstream: "https://10.0.2.14:443/"',
        NGINX,
      ],
    ],
    { priority: P.wrapper + 2 },
  ),
  n(
    'nginx-upstream-dns',
    'nginx: upstream host name does not resolve',
    C.net,
    'network-error',
    'dns',
    { patterns: [r`host not found in upstream "[^"]+"`, r`[\w.-]+ could not be resolved \(\d+: [\w ]+\)`, r`no resolver defined to resolve [\w.-]+`] },
    [R.dnsCheckName, R.dnsResolver],
    [
      ['2024/05/02 14:03:11 [emerg] 1#1: host not found in upstream "app:8000" in /etc/nginx/conf.d/default.conf:12', NGINX],
      ['2024/05/02 14:03:11 [error] 31#31: *15 api.internal could not be resolved (3: Host not found), client: 203.0.113.7', NGINX],
    ],
    { priority: P.wrapper + 2, resourceFrom: [r`host not found in upstream "([^"]+)"`, r`([\w.-]+) could not be resolved`] },
  ),
  n(
    'nginx-upstream-big-header',
    'nginx: upstream sent too big header',
    C.config,
    'config-error',
    'configuration',
    { patterns: [r`upstream sent too big header while reading response header from upstream`] },
    [remedy('nginx-proxy-buffers', 'B', 'Raise the proxy buffer sizes (or shrink the response headers/cookies the application sends).', ['proxy_buffer_size', 'proxy_buffers'])],
    [['2024/05/02 14:03:11 [error] 31#31: *16 upstream sent too big header while reading response header from upstream, client: 203.0.113.7, server: app.example.com', NGINX]],
    { priority: P.wrapper },
  ),
  n(
    'nginx-worker-connections',
    'nginx: worker_connections are not enough',
    C.resource,
    'resource-limit',
    'process',
    { patterns: [r`\d+ worker_connections are not enough`] },
    [remedy('nginx-worker-connections', 'B', 'Raise worker_connections (and the open-file limit) to the concurrent connections nginx must hold.', ['worker_connections', 'worker_rlimit_nofile'])],
    [['2024/05/02 14:03:11 [alert] 31#31: 1024 worker_connections are not enough', NGINX]],
    { priority: P.wrapper },
  ),
  n(
    'nginx-client-body-too-large',
    'nginx: request body larger than allowed',
    C.config,
    'config-error',
    'configuration',
    { patterns: [r`client intended to send too large body: \d+ bytes`] },
    [remedy('nginx-client-max-body', 'B', 'Raise client_max_body_size for the upload route if such bodies are legitimate.', ['client_max_body_size'])],
    [['2024/05/02 14:03:11 [error] 31#31: *17 client intended to send too large body: 10485761 bytes, client: 203.0.113.7, server: app.example.com, request: "POST /upload HTTP/1.1"', NGINX]],
    { priority: P.generic + 10 },
  ),
];
