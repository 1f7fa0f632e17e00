// Cross-language signatures: TLS (OpenSSL, curl), DNS (resolver words, NXDOMAIN/SERVFAIL), disk full, and OS-level
// errors and generic symptoms ("timed out", "connection refused") that the specific signatures above outrank.
import { C, define, P, remedy } from './define.ts';
import * as R from './remedies.ts';

const tls = define('tls');
const dns = define('dns');
const disk = define('disk');
const os = define('os');
const r = String.raw;

export const GENERAL = [
  // TLS
  tls(
    'tls-certificate-expired',
    'TLS certificate expired',
    C.net,
    'network-error',
    'tls',
    { errno: ['CERT_HAS_EXPIRED'], patterns: [r`certificate has expired`, r`SSL certificate problem: certificate has expired`, r`sslv3 alert certificate expired`] },
    [R.tlsRenew],
    [
      ['curl: (60) SSL certificate problem: certificate has expired', 'curl 8.5'],
      ['error:0A000415:SSL routines::sslv3 alert certificate expired', 'OpenSSL 3.0'],
    ],
    { priority: P.common + 10 },
  ),
  tls(
    'tls-verify-failed',
    'TLS certificate verify failed',
    C.net,
    'network-error',
    'tls',
    {
      patterns: [r`certificate verify failed`, r`SSL certificate problem: (?:unable to get local issuer certificate|self[- ]signed certificate(?: in certificate chain)?)`, r`tlsv1 alert unknown ca`],
    },
    [R.tlsTrustStore],
    [
      ['curl: (60) SSL certificate problem: unable to get local issuer certificate', 'curl 8.5'],
      ['error:0A000418:SSL routines::tlsv1 alert unknown ca', 'OpenSSL 3.0'],
    ],
    { priority: P.common + 5 },
  ),
  tls(
    'tls-hostname-mismatch',
    'TLS certificate name mismatch',
    C.net,
    'network-error',
    'tls',
    { patterns: [r`no alternative certificate subject name matches target host name '[^']+'`, r`SSL: certificate subject name '[^']+' does not match target host name '[^']+'`] },
    [R.tlsHostname],
    [["curl: (60) SSL: no alternative certificate subject name matches target host name 'api.example.com'", 'curl 8.5']],
    { priority: P.common + 8 },
  ),
  tls(
    'tls-handshake-failure',
    'TLS handshake failure',
    C.net,
    'network-error',
    'tls',
    {
      patterns: [
        r`sslv3 alert handshake failure`,
        r`\bssl handshake (?:failed|failure|timed out)\b`,
        r`tls handshake (?:failed|failure|timeout|timed out)`,
        r`wrong version number`,
        r`unsupported protocol`,
      ],
    },
    [R.tlsProtocol],
    [
      ['error:0A000410:SSL routines::sslv3 alert handshake failure', 'OpenSSL 3.0'],
      ['curl: (35) error:0A00010B:SSL routines::wrong version number', 'curl 8.5'],
    ],
    { priority: P.common },
  ),

  // DNS
  dns(
    'dns-nxdomain',
    'DNS: name does not exist (NXDOMAIN)',
    C.net,
    'network-error',
    'dns',
    { errno: ['NXDOMAIN'], patterns: [r`\bNXDOMAIN\b`, r`\bstatus: NXDOMAIN\b`] },
    [R.dnsCheckName],
    [
      [';; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 4021', 'dig 9.18'],
      ['dns: lookup api.example.com: NXDOMAIN', 'CoreDNS 1.11 log'],
    ],
    { priority: P.common + 5 },
  ),
  dns(
    'dns-servfail',
    'DNS: server failure (SERVFAIL) / resolver timeout',
    C.net,
    'network-error',
    'dns',
    {
      errno: ['SERVFAIL', 'ESERVFAIL'],
      patterns: [r`\bSERVFAIL\b`, r`connection timed out; no servers could be reached`, r`\[ERROR\] plugin/errors: 2 [\w.-]+\. [A-Z]+: read udp [\w.:]+->[\w.:]+: i/o timeout`],
    },
    [R.dnsResolver],
    [
      [';; connection timed out; no servers could be reached', 'dig 9.18'],
      ['[ERROR] plugin/errors: 2 api.example.com. A: read udp 10.244.0.5:41022->10.0.0.2:53: i/o timeout', 'CoreDNS 1.11 log'],
    ],
    { priority: P.common + 5 },
  ),
  dns(
    'dns-could-not-resolve',
    'Could not resolve host',
    C.net,
    'network-error',
    'dns',
    {
      patterns: [
        r`Could not resolve host: [\w.-]+`,
        r`Name or service not known`,
        r`Temporary failure in name resolution`,
        r`nodename nor servname provided, or not known`,
        r`No address associated with hostname`,
      ],
    },
    [R.dnsCheckName, R.dnsResolver],
    [
      ['curl: (6) Could not resolve host: api.example.com', 'curl 8.5'],
      ['ping: api.example.com: Name or service not known', 'iputils 20221126'],
    ],
    { priority: P.common + 2, resourceFrom: [r`Could not resolve host: ([\w.-]+)`] },
  ),

  // Disk full
  disk(
    'disk-no-space-left',
    'No space left on device',
    C.resource,
    'disk-full',
    'disk',
    { errno: ['ENOSPC'], patterns: [r`No space left on device`] },
    [R.diskFree, R.diskRotate],
    [
      ['write /var/lib/docker/overlay2/4b1c/merged/tmp/x: no space left on device', 'Docker Engine 25'],
      ['tar: ./data.bin: Cannot write: No space left on device', 'GNU tar 1.34'],
    ],
    { priority: P.common + 15 },
  ),
  disk(
    'disk-quota-exceeded',
    'Disk quota exceeded',
    C.resource,
    'disk-full',
    'disk',
    { errno: ['EDQUOT'], patterns: [r`Disk quota exceeded`, r`\[Errno 122\] Disk quota exceeded`] },
    [R.diskFree],
    [["OSError: [Errno 122] Disk quota exceeded: '/data/out.csv'", 'CPython 3.11']],
    { priority: P.common + 15 },
  ),
  disk(
    'disk-read-only-fs',
    'Read-only file system',
    C.resource,
    'disk-full',
    'disk',
    { errno: ['EROFS'], patterns: [r`Read-only file system`] },
    [remedy('writable-volume', 'C', 'Write to a mounted writable volume (or /tmp) instead of the read-only image filesystem, or fix the remounted disk.')],
    [["OSError: [Errno 30] Read-only file system: '/app/cache'", 'CPython 3.11']],
    { priority: P.common + 10 },
  ),
  disk(
    'disk-sqlite-full',
    'SQLite database or disk is full',
    C.resource,
    'disk-full',
    'disk',
    { patterns: [r`database or disk is full`] },
    [R.diskFree],
    [['sqlite3.OperationalError: database or disk is full', 'CPython 3.11 sqlite3']],
    { priority: P.specific },
  ),

  // OS-level and generic symptoms (lowest priority: every specific signature outranks them)
  os(
    'os-connection-refused',
    'Connection refused',
    C.net,
    'network-error',
    'network',
    { patterns: [r`\bconnection refused\b`] },
    [R.netCheckTarget, R.netRetryBackoff],
    [
      ["curl: (7) Failed to connect to localhost port 8080 after 0 ms: Couldn't connect to server: Connection refused", 'curl 8.5'],
      ['Connection refused - connect(2) for "10.0.0.5" port 6379', 'Ruby 3.2 (Errno::ECONNREFUSED)'],
    ],
    { priority: P.generic + 8 },
  ),
  os(
    'os-connection-reset',
    'Connection reset',
    C.net,
    'network-error',
    'network',
    { patterns: [r`\bconnection reset(?: by peer)?\b`, r`\bbroken pipe\b`, r`\bconnection (?:aborted|closed unexpectedly)\b`] },
    [R.netKeepalive, R.netRetryBackoff],
    [
      ['curl: (56) Recv failure: Connection reset by peer', 'curl 8.5'],
      ['psql: error: could not receive data from server: Connection reset by peer', 'psql 15 (libpq)'],
    ],
    { priority: P.generic + 6 },
  ),
  os(
    'os-no-route',
    'Host or network unreachable',
    C.net,
    'network-error',
    'network',
    { patterns: [r`\bno route to host\b`, r`\bnetwork is unreachable\b`, r`\bhost is unreachable\b`] },
    [R.netCheckTarget],
    [
      ['ssh: connect to host 10.0.0.5 port 22: No route to host', 'OpenSSH 9.6'],
      ['curl: (7) Failed to connect to 10.0.0.5 port 443 after 3 ms: Network is unreachable', 'curl 8.5'],
    ],
    { priority: P.generic + 6 },
  ),
  os(
    'os-timed-out',
    'Operation timed out',
    C.net,
    'network-error',
    'network',
    {
      patterns: [
        r`\b(?:connection|operation|request|read|connect|socket) timed out\b`,
        r`\b(?:TimeoutError|ReadTimeoutError|ConnectTimeoutError|TimeoutException)\b`,
        r`\btimed out (?:after|waiting for|while)\b`,
        r`\bdeadline exceeded\b`,
        r`\btimed out\b`,
        r`\btimeout (?:error|exceeded|expired)\b`,
      ],
    },
    [R.netTimeouts, R.netCheckTarget],
    [
      ['curl: (28) Operation timed out after 30001 milliseconds with 0 bytes received', 'curl 8.5'],
      ['[webhook] job_id=5ee9272a timed out fetching parse result', 'application log (Python logging)'],
    ],
    { priority: P.generic + 2 },
  ),
  os(
    'os-memory-limit',
    'Memory limit exceeded',
    C.resource,
    'memory-limit',
    'memory',
    { patterns: [r`\bexceeded (?:its |the )?memory limit\b`, r`\bmemory limit (?:exceeded|reached)\b`, r`\bout of memory\b`, r`\bcannot allocate memory\b`] },
    [R.memFindGrowth, R.memRaiseLimit],
    [
      ['Instance srv-d4qr7-vr4l0 exceeded its memory limit of 512 MB', 'platform event (generic wording)'],
      ['runtime: out of memory: cannot allocate 1073741824-byte block (3862953984 in use)', 'Go 1.22 runtime'],
    ],
    { priority: P.generic + 12 },
  ),
  os(
    'os-segfault',
    'Segmentation fault / abort in a native extension',
    C.code,
    'restart',
    'process',
    { patterns: [r`\bSegmentation fault\b(?: \(core dumped\))?`, r`\bsegfault at [0-9a-f]+ ip [0-9a-f]+`, r`Fatal Python error: Segmentation fault`, r`\bSIGSEGV\b`] },
    [R.codeFixDefect, remedy('pin-native-deps', 'C', 'Pin or roll back the native dependency (image, driver, extension) that crashes and capture a core dump.')],
    [
      ['Fatal Python error: Segmentation fault', 'CPython 3.11'],
      ['python3[812]: segfault at 0 ip 00007f1a2b3c4d5e sp 00007ffd1e2f3a40 error 4 in libxml2.so.2', 'Linux 6.1 kernel log'],
    ],
    { priority: P.generic + 20 },
  ),
  os(
    'os-killed-signal',
    'Process killed by SIGKILL / SIGTERM',
    C.resource,
    'restart',
    'process',
    { patterns: [r`\b(?:killed|terminated) by signal (?:9|SIGKILL)\b`, r`\bexited on signal 9\b`, r`\bsignal: killed\b`] },
    [R.memRaiseLimit, R.memFindGrowth],
    [
      ['2024/05/02 14:03:11 [alert] 1#1: worker process 4121 exited on signal 9', 'nginx 1.24 error log'],
      ['signal: killed', 'Go 1.22 os/exec (ExitError)'],
    ],
    { priority: P.generic + 10 },
  ),
  os(
    'os-generic-exception',
    'Uncaught exception',
    C.code,
    'unhandled-exception',
    'application-code',
    { patterns: [r`(?-i:^(?:[a-z_][\w]*\.)*[A-Z]\w*(?:Error|Exception)\b)`, r`\bUnhandled (?:exception|rejection|error)\b`, r`\bUncaught (?:exception|error|\w+Error)\b`] },
    [R.codeFixDefect],
    [
      ['ValueError: unsupported layout', 'CPython 3.11'],
      ['Unhandled exception. System.InvalidOperationException: Sequence contains no elements', '.NET 8 runtime'],
    ],
    { priority: P.generic - 2 },
  ),
  os(
    'os-job-failed',
    'Job or task failed',
    C.code,
    'job-errors',
    'queue',
    { patterns: [r`\b(?:job|task|worker)\b.{0,80}\b(?:failed|failure|crashed|aborted|dead[\s-]?letter(?:ed)?)\b`] },
    [R.jobIdempotent, R.codeFixDefect],
    [
      ['Job 42 failed after 3 attempts', 'application log'],
      ['Task parse_document failed: upstream rejected the file', 'application log'],
    ],
    { priority: P.generic - 5 },
  ),
];
