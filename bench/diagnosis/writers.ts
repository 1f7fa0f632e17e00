// Log writers for the generated incidents, each in a format as its library documents it: pino JSON, Python logging,
// Go slog (logfmt), Spring Boot logback, Ruby Logger (Rails), nginx access and error logs, Render text, PostgreSQL stderr.

export interface AppError {
  level: 'warn' | 'error' | 'fatal';
  /** The first line as the library prints it. */
  message: string;
  /** Exception class (Node `err.type`, Java/Python class names already in `message` for those runtimes). */
  type?: string;
  /** Stack lines after the first (already in the runtime's format). */
  stack?: string[];
  /** Logger or component name. */
  logger?: string;
  /** Extra structured fields (pino/slog only). */
  fields?: Record<string, string | number>;
}

export interface Request {
  method: string;
  path: string;
  status: number;
  ms: number;
  id: string;
  client: string;
}

export interface Writer {
  /** Manifest source entries (id, kind, paths ...) for the files it writes. */
  readonly stack: string;
  request(time: number, request: Request): void;
  error(time: number, error: AppError, requestId?: string): void;
  info(time: number, message: string, requestId?: string): void;
  files(): Record<string, string>;
  sources(): Record<string, unknown>[];
}

const iso = (time: number): string => new Date(time).toISOString();
const pad = (value: number, length = 2): string => String(value).padStart(length, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Lines sorted by time, so interleaved writers produce files in time order. */
class Lines {
  private readonly entries_: { time: number; seq: number; text: string }[] = [];
  private seq = 0;
  add(time: number, text: string): void {
    this.entries_.push({ time, seq: this.seq++, text });
  }
  entries(): readonly { time: number; text: string }[] {
    return this.entries_;
  }
  text(): string {
    return (
      this.entries_
        .sort((a, b) => a.time - b.time || a.seq - b.seq)
        .map((entry) => entry.text)
        .join('\n') + '\n'
    );
  }
}

/** nginx `combined` access log with `$request_id` appended, and the error log (`YYYY/MM/DD HH:MM:SS [level] pid#tid: *cid message`). */
export class Nginx {
  readonly access = new Lines();
  readonly errors = new Lines();
  request(time: number, request: Request): void {
    const date = new Date(time);
    const stamp = `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
    this.access.add(
      time,
      `${request.client} - - [${stamp}] "${request.method} ${request.path} HTTP/1.1" ${request.status} ${request.status >= 500 ? 157 : 1000 + (request.ms % 4000)} "-" "Mozilla/5.0 (X11; Linux x86_64)" rt=${(request.ms / 1000).toFixed(3)} request_id=${request.id}`,
    );
  }
  error(time: number, level: 'error' | 'warn', message: string, connection: number): void {
    const date = new Date(time);
    this.errors.add(
      time,
      `${date.getUTCFullYear()}/${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} [${level}] 31#31: *${connection} ${message}`,
    );
  }
  files(): Record<string, string> {
    return { 'logs/nginx/access.log': this.access.text(), 'logs/nginx/error.log': this.errors.text() };
  }
  sources(): Record<string, unknown>[] {
    return [
      { id: 'nginx-access', kind: 'logs', description: 'nginx access log (combined + request_id)', paths: ['logs/nginx/access.log'] },
      { id: 'nginx-error', kind: 'logs', description: 'nginx error log', paths: ['logs/nginx/error.log'] },
    ];
  }
}

/** pino's default JSON lines (numeric levels, epoch ms `time`), with pino-http request logs and `err` objects. */
export class PinoWriter implements Writer {
  readonly stack: string = 'node-pino';
  private readonly lines = new Lines();
  constructor(private readonly host: string) {}
  request(time: number, request: Request): void {
    const level = request.status >= 500 ? 50 : request.status >= 400 ? 40 : 30;
    this.lines.add(
      time,
      JSON.stringify({
        level,
        time,
        pid: 7,
        hostname: this.host,
        reqId: request.id,
        req: { method: request.method, url: request.path, remoteAddress: request.client },
        res: { statusCode: request.status },
        responseTime: request.ms,
        msg: request.status >= 500 ? 'request errored' : 'request completed',
      }),
    );
  }
  error(time: number, error: AppError, requestId?: string): void {
    const level = error.level === 'fatal' ? 60 : error.level === 'error' ? 50 : 40;
    const type = error.type ?? 'Error';
    const stack = [`${type}: ${error.message}`, ...(error.stack ?? [])].join('\n');
    this.lines.add(
      time,
      JSON.stringify({
        level,
        time,
        pid: 7,
        hostname: this.host,
        ...(requestId ? { reqId: requestId } : {}),
        ...(error.fields ?? {}),
        err: { type, message: error.message, stack },
        msg: error.message,
      }),
    );
  }
  info(time: number, message: string, requestId?: string): void {
    this.lines.add(time, JSON.stringify({ level: 30, time, pid: 7, hostname: this.host, ...(requestId ? { reqId: requestId } : {}), msg: message }));
  }
  files(): Record<string, string> {
    return { 'logs/app.jsonl': this.lines.text() };
  }
  sources(): Record<string, unknown>[] {
    return [{ id: 'app-logs', kind: 'logs', description: 'Node service, pino JSON lines', paths: ['logs/app.jsonl'] }];
  }
}

/** pino JSON lines behind nginx: requests reach the app only while it listens; what the runtime prints on stderr lands in the same file. */
export class PinoBehindNginxWriter extends PinoWriter {
  override readonly stack = 'node-pino-nginx';
  readonly nginx = new Nginx();
  private readonly raw = new Lines();
  override request(time: number, request: Request): void {
    this.nginx.request(time + request.ms, request);
    if (request.status < 502) super.request(time, request);
  }
  /** Text the runtime writes outside the logger (V8's fatal report, a crash dump), between the JSON lines. */
  stderr(time: number, lines: string[]): void {
    this.raw.add(time, lines.join('\n'));
  }
  override files(): Record<string, string> {
    const json = super.files()['logs/app.jsonl']!.trimEnd().split('\n');
    const merged = new Lines();
    for (const line of json) merged.add(Number(/"time":(\d+)/.exec(line)?.[1] ?? 0), line);
    for (const entry of this.raw.entries()) merged.add(entry.time, entry.text);
    return { 'logs/app.jsonl': merged.text(), ...this.nginx.files() };
  }
  override sources(): Record<string, unknown>[] {
    return [...super.sources(), ...this.nginx.sources()];
  }
}

/** Python logging `%(asctime)s - %(name)s - %(levelname)s - %(message)s` with tracebacks, behind nginx. */
export class PythonWriter implements Writer {
  readonly stack = 'python-logging';
  private readonly lines = new Lines();
  readonly nginx = new Nginx();
  request(time: number, request: Request): void {
    this.nginx.request(time + request.ms, request);
    // gunicorn reports a request only when the app raised (500); 502-504 come from the proxy.
    if (request.status === 500)
      this.lines.add(time + request.ms - 1, `${this.stamp(time + request.ms - 1)} - gunicorn.error - ERROR - Error handling request ${request.path} request_id=${request.id}`);
  }
  error(time: number, error: AppError, requestId?: string): void {
    const level = error.level === 'fatal' ? 'CRITICAL' : error.level === 'error' ? 'ERROR' : 'WARNING';
    const head = `${this.stamp(time)} - ${error.logger ?? 'app'} - ${level} - ${error.stack ? `Unhandled exception${requestId ? ` request_id=${requestId}` : ''}` : `${error.message}${requestId ? ` request_id=${requestId}` : ''}`}`;
    this.lines.add(time, error.stack ? [head, 'Traceback (most recent call last):', ...error.stack, error.message].join('\n') : head);
  }
  info(time: number, message: string, requestId?: string): void {
    this.lines.add(time, `${this.stamp(time)} - app - INFO - ${message}${requestId ? ` request_id=${requestId}` : ''}`);
  }
  private stamp(time: number): string {
    return iso(time).replace('T', ' ').replace('Z', '').replace('.', ',');
  }
  files(): Record<string, string> {
    return { 'logs/app.log': this.lines.text(), ...this.nginx.files() };
  }
  sources(): Record<string, unknown>[] {
    return [{ id: 'app-logs', kind: 'logs', description: 'Python service (logging module)', paths: ['logs/app.log'] }, ...this.nginx.sources()];
  }
}

const logfmtValue = (value: string | number): string =>
  typeof value === 'number' || /^[\w./:-]+$/.test(value) ? String(value) : `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/** Go log/slog TextHandler (logfmt) request and error lines; a recovered panic prints its goroutine dump on the lines after. */
export class GoWriter implements Writer {
  readonly stack = 'go-slog';
  private readonly lines = new Lines();
  request(time: number, request: Request): void {
    this.lines.add(
      time + request.ms,
      `time=${iso(time + request.ms)} level=${request.status >= 500 ? 'ERROR' : 'INFO'} msg="http request" method=${request.method} path=${request.path} status=${request.status} duration=${request.ms}ms request_id=${request.id} remote=${request.client}`,
    );
  }
  error(time: number, error: AppError, requestId?: string): void {
    const fields = Object.entries(error.fields ?? {})
      .map(([key, value]) => ` ${key}=${logfmtValue(value)}`)
      .join('');
    const head = `time=${iso(time)} level=${error.level === 'warn' ? 'WARN' : 'ERROR'} msg=${logfmtValue(error.message)}${requestId ? ` request_id=${requestId}` : ''}${fields}`;
    this.lines.add(time, error.stack ? [head, ...error.stack].join('\n') : head);
  }
  info(time: number, message: string, requestId?: string): void {
    this.lines.add(time, `time=${iso(time)} level=INFO msg=${logfmtValue(message)}${requestId ? ` request_id=${requestId}` : ''}`);
  }
  files(): Record<string, string> {
    return { 'logs/service.log': this.lines.text() };
  }
  sources(): Record<string, unknown>[] {
    return [{ id: 'service-logs', kind: 'logs', description: 'Go service, slog text handler', paths: ['logs/service.log'] }];
  }
}

/** Spring Boot's default logback console pattern; exceptions with `\tat` frames; behind nginx. */
export class JavaWriter implements Writer {
  readonly stack = 'java-logback';
  private readonly lines = new Lines();
  readonly nginx = new Nginx();
  private thread = 1;
  request(time: number, request: Request): void {
    this.nginx.request(time + request.ms, request);
  }
  error(time: number, error: AppError, requestId?: string): void {
    const level = error.level === 'warn' ? ' WARN' : 'ERROR';
    const head = `${this.stamp(time)} ${level} 1 --- [nio-8080-exec-${(this.thread++ % 200) + 1}] ${(error.logger ?? 'c.a.s.web.ApiExceptionHandler').padEnd(40)} : ${error.stack ? `Request failed${requestId ? ` [requestId=${requestId}]` : ''}` : `${error.message}${requestId ? ` [requestId=${requestId}]` : ''}`}`;
    this.lines.add(time, error.stack ? [head, error.message, ...error.stack].join('\n') : head);
  }
  info(time: number, message: string): void {
    this.lines.add(time, `${this.stamp(time)}  INFO 1 --- [           main] c.a.s.ShopApplication                    : ${message}`);
  }
  private stamp(time: number): string {
    return iso(time).replace('T', ' ').replace('Z', '');
  }
  files(): Record<string, string> {
    return { 'logs/spring.log': this.lines.text(), ...this.nginx.files() };
  }
  sources(): Record<string, unknown>[] {
    return [{ id: 'app-logs', kind: 'logs', description: 'Spring Boot service (logback console pattern)', paths: ['logs/spring.log'] }, ...this.nginx.sources()];
  }
}

/** Ruby's Logger format as Rails writes it (`E, [time #pid] ERROR -- : message`), backtrace lines after; behind nginx. */
export class RubyWriter implements Writer {
  readonly stack = 'ruby-rails';
  private readonly lines = new Lines();
  readonly nginx = new Nginx();
  request(time: number, request: Request): void {
    this.nginx.request(time + request.ms, request);
    this.lines.add(
      time,
      `I, [${this.stamp(time)} #4021]  INFO -- : [${request.id}] Started ${request.method} "${request.path}" for ${request.client} at ${iso(time).replace('T', ' ').slice(0, 19)} +0000`,
    );
    this.lines.add(
      time + request.ms,
      `I, [${this.stamp(time + request.ms)} #4021]  INFO -- : [${request.id}] Completed ${request.status} ${request.status >= 500 ? 'Internal Server Error' : 'OK'} in ${request.ms}ms`,
    );
  }
  error(time: number, error: AppError, requestId?: string): void {
    const letter = error.level === 'warn' ? 'W' : error.level === 'fatal' ? 'F' : 'E';
    const word = error.level === 'warn' ? ' WARN' : error.level === 'fatal' ? 'FATAL' : 'ERROR';
    const head = `${letter}, [${this.stamp(time)} #4021] ${word} -- : ${requestId ? `[${requestId}] ` : ''}${error.message}`;
    this.lines.add(time, error.stack ? [head, ...error.stack].join('\n') : head);
  }
  info(time: number, message: string): void {
    this.lines.add(time, `I, [${this.stamp(time)} #4021]  INFO -- : ${message}`);
  }
  private stamp(time: number): string {
    return `${iso(time).slice(0, 23)}${pad(Math.floor(time % 1000), 3)}`.replace(/(\.\d{6})\d*$/, '$1');
  }
  files(): Record<string, string> {
    return { 'logs/production.log': this.lines.text(), ...this.nginx.files() };
  }
  sources(): Record<string, unknown>[] {
    return [{ id: 'rails-logs', kind: 'logs', description: 'Rails production.log', paths: ['logs/production.log'] }, ...this.nginx.sources()];
  }
}

/** Render's text log stream for a web service: request lines (`GET /path 502 12ms`) and app output, with `==>` platform lines. */
export class RenderTextWriter implements Writer {
  readonly stack = 'render-text';
  private readonly lines = new Lines();
  request(time: number, request: Request): void {
    this.lines.add(time + request.ms, `${iso(time + request.ms)} ${request.method} ${request.path} ${request.status} ${request.ms}ms request_id=${request.id}`);
  }
  error(time: number, error: AppError, requestId?: string): void {
    const text = [`${error.type ? `${error.type}: ` : ''}${error.message}${requestId ? ` request_id=${requestId}` : ''}`, ...(error.stack ?? [])];
    this.lines.add(time, text.map((line) => `${iso(time)} ${line}`).join('\n'));
  }
  info(time: number, message: string): void {
    this.lines.add(time, `${iso(time)} ${message}`);
  }
  files(): Record<string, string> {
    return { 'logs/render.log': this.lines.text() };
  }
  sources(): Record<string, unknown>[] {
    return [{ id: 'render-logs', kind: 'logs', description: 'Render log stream (text)', paths: ['logs/render.log'] }];
  }
}

/** PostgreSQL stderr log with `log_line_prefix = '%m [%p] '`. */
export class PostgresLog {
  private readonly lines = new Lines();
  add(time: number, pid: number, severity: 'LOG' | 'ERROR' | 'FATAL' | 'WARNING', message: string, extra: string[] = []): void {
    const stamp = iso(time).replace('T', ' ').replace('Z', ' UTC');
    this.lines.add(time, [`${stamp} [${pid}] ${severity}:  ${message}`, ...extra.map((line) => `${stamp} [${pid}] ${line}`)].join('\n'));
  }
  files(): Record<string, string> {
    return { 'logs/postgresql.log': this.lines.text() };
  }
  sources(): Record<string, unknown>[] {
    return [{ id: 'postgres-log', kind: 'logs', description: 'PostgreSQL server log', paths: ['logs/postgresql.log'], format: 'postgres' }];
  }
}

/** Plain timestamped lines (deploy pipeline, Kubernetes events). */
export class PlainLog {
  private readonly lines = new Lines();
  constructor(
    private readonly path: string,
    private readonly id: string,
    private readonly description: string,
  ) {}
  add(time: number, message: string): void {
    this.lines.add(time, `${iso(time)} ${message}`);
  }
  files(): Record<string, string> {
    return { [this.path]: this.lines.text() };
  }
  sources(): Record<string, unknown>[] {
    return [{ id: this.id, kind: 'logs', description: this.description, paths: [this.path] }];
  }
}
