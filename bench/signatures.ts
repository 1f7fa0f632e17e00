// npm run bench:signatures: classifyError (RE2, 400+ signatures) against the issue-10 keyword table (13 native regexes) on the catalogue's examples and the loghub-2k lines.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { classifyError, SIGNATURES } from '../src/lib/error-signatures/index.ts';

/** The baseline: the keyword table this catalogue replaced (src/lib/log-templates/families.ts before issue 14). */
const KEYWORD_TABLE: RegExp[] = [
  /out of memory|\boom\b|oom[- ]?kill|memory limit|memoryerror|heap out of memory|exceeded (?:the )?memory|killed process|cannot allocate memory|java\.lang\.OutOfMemoryError/i,
  /queuepool|pool(?:[\s_-]?size)?\b.{0,60}\b(?:timed? ?out|timeout|exhausted|limit|overflow)|connection pool|(?:too many|sorry, too many) (?:clients|connections)|connection slots are reserved|max_connections|max client connections|emaxconn|could not (?:obtain|acquire) (?:a )?connection|remaining connection slots/i,
  /deadlock detected|deadlockdetected|\bdeadlock\b/i,
  /lock[\s_-]?timeout|locknotavailable|could not obtain lock/i,
  /statement[\s_-]?timeout|querycanceled|canceling statement due to/i,
  /idle[- _]in[- _]transaction/i,
  /violates (?:check|unique|foreign key|not-null|exclusion) constraint|integrityerror|checkviolation|uniqueviolation|foreignkeyviolation|notnullviolation|duplicate key value/i,
  /\b429\b|rate[\s_-]?limit(?:ed)?|too many requests|quota exceeded|throttl/i,
  /econnrefused|connection refused|could not connect to server|connect\(\) failed/i,
  /econnreset|etimedout|ehostunreach|enetunreach|enotfound|eai_again|epipe|broken pipe|socket hang up|connection (?:reset|aborted|closed unexpectedly)|name or service not known|temporary failure in name resolution|ssl(?:error)?|tls handshake|timed? ?out|timeout(?:error)?\b|readtimeout|connecttimeout/i,
  /\bupstream\b|bad gateway|service unavailable|gateway time-?out|\b(?:returned|responded with|got|received|status(?: code)?:?) (?:an? )?(?:http )?5\d\d\b|\b(?:api|http) error\b|remote (?:server|end) (?:closed|returned)/i,
  /^traceback \(most recent call last\)|\bunhandled\b|\buncaught\b|^panic:|^(?:[a-z_][\w]*\.)*[A-Z]\w*(?:Error|Exception)\b/i,
  /\b(?:job|task|worker)\b.{0,80}\b(?:failed|failure|error|crashed|aborted|dead[\s-]?letter)/i,
];
const keywordClassify = (text: string): number => KEYWORD_TABLE.findIndex((pattern) => pattern.test(text.length > 600 ? text.slice(0, 600) : text));

const LOGHUB = '/work/shared/data/loghub-2k';
const loghub: string[] = [];
if (existsSync(LOGHUB)) {
  for (const system of readdirSync(LOGHUB)) {
    const file = path.join(LOGHUB, system, `${system}_2k.log`);
    if (existsSync(file))
      loghub.push(
        ...readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => line.length > 0),
      );
  }
}
const examples = SIGNATURES.flatMap((signature) => signature.examples.map((example) => example.text));
const texts = [...examples, ...loghub];

function time(label: string, run: (text: string, round: number) => unknown, rounds: number): number {
  const started = performance.now();
  for (let round = 0; round < rounds; round += 1) for (const text of texts) run(text, round);
  const seconds = (performance.now() - started) / 1000;
  console.log(`${label}: ${((texts.length * rounds) / seconds).toFixed(0)} texts/s (${texts.length} texts × ${rounds} rounds, ${seconds.toFixed(2)} s)`);
  return seconds;
}

console.log(`${SIGNATURES.length} signatures; ${examples.length} catalogue examples + ${loghub.length} loghub-2k lines`);
// Warm-up: compile patterns and build RE2 DFAs once, as a long analysis would.
for (const text of texts) classifyError(text);
// A suffix per round defeats classifyError's cache, so every round classifies from scratch.
const ours = time('classifyError (RE2, uncached)', (text, round) => classifyError(`${text} #${round}`), 3);
const baseline = time('baseline: issue-10 keyword table (native RegExp)', (text) => keywordClassify(text), 3);
console.log(`ratio: classifyError takes ${(ours / baseline).toFixed(1)}× the keyword table's time per text`);
const classified = loghub.filter((line) => classifyError(line) !== undefined).length;
console.log(`loghub-2k lines with a signature: ${classified} of ${loghub.length}; with a keyword-table family: ${loghub.filter((line) => keywordClassify(line) !== -1).length}`);
