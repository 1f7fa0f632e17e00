// Symptom-anchored attribution: candidates (error families, change events, resource conditions, config differences) scored by features.
import { evidenceOf, type EvidenceBundle, type EvidenceRef } from '../../evidence/schema.ts';
import type { Finding, HypothesisCategory } from '../types.ts';
import { configComparisons } from '../config/comparisons.ts';
import { buildChain } from './chain.ts';
import { connectionDemandCandidates } from './connection-demand.ts';
import { changeEvents, type ChangeEvent } from './changes.ts';
import { attributePeerFailures } from './dependents.ts';
import { categoryOfSignal, errorFamilies, frameLabel, jobErrorFamilies, mergeCoEmitted, type ErrorFamily } from './families.ts';
import { jobOutcomes, type JobOutcomes } from './jobs.ts';
import { countBetween, elevatedSegment, firstAfter, MINUTE, round, seriesOf, total, type Series } from './series.ts';
import { detectSymptom, type DetectedSymptom } from './symptom.ts';
import type { Attribution, Candidate, Features } from './types.ts';

export type { Attribution, Candidate } from './types.ts';

/** Feature weights of an error family's score (they sum to 1). */
const WEIGHTS = { reach: 0.3, alignment: 0.2, novelty: 0.15, precedence: 0.15, volume: 0.1, specificity: 0.1 } as const;
/** A background family's score is multiplied by this. */
const BACKGROUND_FACTOR = 0.3;
/** Causes may lead the symptom by this much and still count as aligned. */
const LEAD_MINUTES = 15;
/** Baseline ends this long before the symptom's onset, so a cause that leads the symptom is not counted as background. */
const BASELINE_GAP_MINUTES = 5;

const hhmm = (time: string | number): string => new Date(time).toISOString().slice(11, 16);
const pct = (value: number): string => `${Math.round(value * 100)}%`;

function alignment(offsetMinutes: number | undefined): number {
  if (offsetMinutes === undefined) return 0;
  if (offsetMinutes >= -LEAD_MINUTES && offsetMinutes <= 2) return 1;
  const distance = offsetMinutes < 0 ? -offsetMinutes - LEAD_MINUTES : offsetMinutes - 2;
  return Math.exp(-distance / 15);
}

interface Context {
  bundle: EvidenceBundle;
  symptom?: DetectedSymptom;
  start: number;
  end: number;
  baseline: { from: number; to: number };
  incident: { from: number; to: number };
  changes: ChangeEvent[];
  /** symptom entity id -> its error chain (source:templateId), over every log source. */
  chains: Map<string, string[]>;
  /** Every entity's error chain (any kind), for precedence. */
  allChains: Map<string, string[]>;
  requestTemplates: Set<string>;
}

function chainsOf(bundle: EvidenceBundle, kind: string | undefined, requestTemplates: Set<string>): Map<string, string[]> {
  const chains = new Map<string, string[]>();
  for (const { source, evidence } of [...evidenceOf(bundle, 'logs'), ...evidenceOf(bundle, 'render-api')]) {
    for (const entity of evidence.entities ?? []) {
      if ((kind && entity.kind !== kind) || !entity.errorTemplates) continue;
      const key = kind ? entity.id : `${entity.kind}\u0000${entity.id}`;
      const chain = chains.get(key) ?? [];
      for (const template of entity.errorTemplates) {
        const key = `${source.id}:${template}`;
        if (!requestTemplates.has(key) && !chain.includes(key)) chain.push(key);
      }
      chains.set(key, chain);
    }
  }
  return chains;
}

/**
 * Each failed job's recorded error (its job table row) ends its chain, unless a log line of the same signature is
 * already in it (the same error, printed by the worker): then the log line stands for it.
 */
function addJobChains(context: Context, outcomes: JobOutcomes, families: ErrorFamily[]): void {
  const byGroup = new Map<string, ErrorFamily>();
  for (const family of families) for (const template of family.templates) byGroup.set(template, family);
  for (const [id, group] of outcomes.errorOf) {
    const aliases = new Set(byGroup.get(group.key)?.aliases ?? []);
    for (const [chains, key] of [
      [context.chains, id],
      [context.allChains, `job-id\u0000${id}`],
    ] as const) {
      if (chains === context.chains && context.symptom?.entityKind !== 'job-id') continue;
      const chain = chains.get(key) ?? [];
      if (!chain.some((template) => aliases.has(template)) && !chain.includes(group.key)) chain.push(group.key);
      chains.set(key, chain);
    }
  }
}

function familyFeatures(family: ErrorFamily, context: Context, totalIncident: number, seriesOfFamily: Series): Features {
  const { baseline, incident, symptom } = context;
  const baselineCount = countBetween(seriesOfFamily, baseline.from, baseline.to);
  const incidentCount = countBetween(seriesOfFamily, incident.from, incident.to);
  const baselineHours = Math.max(1 / 60, (baseline.to - baseline.from) / 3_600_000);
  const incidentHours = Math.max(1 / 60, (incident.to - incident.from) / 3_600_000);
  const baselinePerHour = baseline.to > baseline.from ? baselineCount / baselineHours : 0;
  const incidentPerHour = incidentCount / incidentHours;
  const background = baselineCount >= 3 && baseline.to - baseline.from >= 10 * MINUTE && incidentPerHour <= 2.5 * baselinePerHour;
  const features: Features = {
    totalCount: total(seriesOfFamily),
    baselinePerHour: round(baselinePerHour, 1),
    incidentPerHour: round(incidentPerHour, 1),
    baselineCount,
    incidentCount,
    background,
    volumeShare: totalIncident > 0 ? round(incidentCount / totalIncident, 3) : 0,
    appFrames: family.frames.length,
    recognised: family.categoryFrom === 'signature' || family.categoryFrom === 'family',
  };
  if (family.fatalCount && family.count > 0) features.fatalShare = round(family.fatalCount / family.count, 3);
  const frame = frameLabel(family.frame);
  if (frame) features.frame = frame;
  // Onset: first record of its elevated segment, or its first record in the incident part.
  const segment = background ? undefined : elevatedSegment(seriesOfFamily);
  const onset = segment && segment.end > incident.from - LEAD_MINUTES * MINUTE ? segment.onset : firstAfter(seriesOfFamily, baseline.to);
  if (onset !== undefined && symptom?.onset) features.onsetOffsetMinutes = Math.round((onset - Date.parse(symptom.onset)) / MINUTE);
  if (onset !== undefined) {
    const change = [...context.changes].reverse().find((event) => Date.parse(event.time) <= onset + MINUTE && Date.parse(event.time) >= onset - 60 * MINUTE);
    if (change) features.changeEvent = { kind: change.kind, time: change.time, label: change.label, minutesBefore: Math.round((onset - Date.parse(change.time)) / MINUTE) };
  }
  // Reach: over symptom entities when its records name them and the evidence holds them all, else over symptom minutes (with a short lag either side).
  const kind = symptom?.entityKind;
  const countableIds = symptom !== undefined && kind !== undefined && !symptom.idsPartial && symptom.ids.size >= 3;
  // (A log family printing the error a job table records reaches the jobs through the table's rows.)
  if (symptom && kind && countableIds && (family.entityKinds.has(kind) || (family.aliases?.length ?? 0) > 0) && context.chains.size > 0) {
    const templates = new Set([...family.templates, ...(family.aliases ?? [])]);
    let hit = 0;
    for (const id of symptom.ids) {
      const chain = context.chains.get(id);
      if (chain?.some((template) => templates.has(template))) hit++;
    }
    Object.assign(features, { reach: round(hit / symptom.ids.size, 3), reachOver: 'entities', reachCount: hit, reachOf: symptom.ids.size });
  } else if (symptom && symptom.minutes > 0 && symptom.onset) {
    const present = new Set<number>();
    const binsPerMinute = symptom.series.binMs / MINUTE;
    const lagBack = Math.max(1, Math.ceil(1 / binsPerMinute));
    const lagForward = Math.max(1, Math.ceil(5 / binsPerMinute));
    seriesOfFamily.bins.forEach((count, index) => {
      if (count > 0) for (let offset = -lagBack; offset <= lagForward; offset++) present.add(index + offset);
    });
    let hit = 0;
    const onsetIndex = Math.floor((Date.parse(symptom.onset) - symptom.series.start) / symptom.series.binMs);
    const endIndex = Math.ceil((incident.to - symptom.series.start) / symptom.series.binMs);
    for (let index = Math.max(0, onsetIndex); index < Math.min(symptom.series.bins.length, endIndex); index++) if (symptom.series.bins[index]! > 0 && present.has(index)) hit++;
    Object.assign(features, { reach: round(Math.min(1, hit / symptom.minutes), 3), reachOver: 'minutes', reachCount: hit, reachOf: symptom.minutes });
    if (countableIds) features.entitiesUnnamed = true;
  }
  // Precedence: in the chains of every entity (job, request, document) that names it, how often it is the first error.
  const templates = new Set([...family.templates, ...(family.aliases ?? [])]);
  let named = 0;
  let first = 0;
  for (const chain of context.allChains.values()) {
    if (chain.length < 2 && !templates.has(chain[0] ?? '')) continue;
    if (!chain.some((template) => templates.has(template))) continue;
    named++;
    if (templates.has(chain[0]!)) first++;
  }
  if (named >= 3) features.precedence = round(first / named, 3);
  return features;
}

function familyScore(features: Features): { score: number; rule: string } {
  const align = alignment(features.onsetOffsetMinutes);
  const novelty = features.incidentPerHour > 0 ? 1 - Math.min(1, features.baselinePerHour / features.incidentPerHour) : 0;
  const precedence = features.precedence ?? 0.5;
  // Failing in the same minutes is weaker evidence than naming the failed entities, where the symptom has them to name.
  const reach = (features.reach ?? 0) * (features.entitiesUnnamed ? MINUTES_FOR_ENTITIES : 1);
  const volume = Math.sqrt(features.volumeShare);
  const specificity = (features.recognised ? 0.5 : 0) + (features.appFrames > 0 ? 0.5 : 0);
  let score = WEIGHTS.reach * reach + WEIGHTS.alignment * align + WEIGHTS.novelty * novelty + WEIGHTS.precedence * precedence + WEIGHTS.volume * volume + WEIGHTS.specificity * specificity;
  const terms = [
    `${WEIGHTS.reach}×reach ${round(reach)}${features.entitiesUnnamed ? ` (${MINUTES_FOR_ENTITIES} × its share of the failing minutes: it names none of the failed entities)` : ''}`,
    `${WEIGHTS.alignment}×onset alignment ${round(align)}`,
    `${WEIGHTS.novelty}×novelty over baseline ${round(novelty)}`,
    `${WEIGHTS.precedence}×precedence ${round(precedence)}${features.precedence === undefined ? ' (no entity chains)' : ''}`,
    `${WEIGHTS.volume}×√volume share ${round(volume)}`,
    `${WEIGHTS.specificity}×specificity ${round(specificity)}`,
  ];
  if (features.incidentCount === 0) score = 0;
  if (features.background) {
    score *= BACKGROUND_FACTOR;
    terms.push(`× ${BACKGROUND_FACTOR} (background: same rate before the onset)`);
  }
  return { score: round(score, 3), rule: `score = ${terms.join(' + ')}` };
}

/** The category a family stands for, refined by what the evidence shows about it (a deploy without a code location). */
const CHECK_VIOLATION = /violates check constraint|CheckViolation|\b23514\b/;

function familyCategory(family: ErrorFamily, features: Features): HypothesisCategory {
  // The schema did not change, the code did: a violation raised from application frames, new since a change, is a code defect.
  // A CHECK violation raised from application frames: the code writes a value the schema forbids (unique and foreign-key
  // violations stay data conflicts).
  if (family.category === 'db-constraint-violation' && family.frames.length > 0 && (CHECK_VIOLATION.test(family.sample) || (features.changeEvent !== undefined && features.baselineCount === 0)))
    return 'code-defect';
  if (family.category === 'code-defect' && family.frames.length === 0 && family.categoryFrom !== 'signature' && features.changeEvent?.kind === 'deploy' && features.baselineCount === 0)
    return 'deploy-regression';
  return family.category;
}

function statementOf(family: ErrorFamily, features: Features, category: HypothesisCategory, symptom: DetectedSymptom | undefined): string {
  const first = family.quote || family.template;
  const quoted = first.length > 140 ? `${first.slice(0, 139)}…` : first;
  const parts: string[] = [`${family.title === quoted ? '' : `${family.title}: `}\`${quoted}\``];
  if (features.frame) parts[0] += ` in \`${features.frame}\``;
  if (family.resource && family.resource !== 'application code') parts[0] += ` (${family.resource})`;
  if (features.changeEvent) parts.push(`since the ${features.changeEvent.kind} at ${hhmm(features.changeEvent.time)}`);
  else if (features.onsetOffsetMinutes !== undefined && symptom?.onset) parts.push(`from ${hhmm(Date.parse(symptom.onset) + features.onsetOffsetMinutes * MINUTE)}`);
  if (features.reach !== undefined && symptom) {
    const what = features.reachOver === 'entities' ? (symptom.kind === 'failed-requests' ? 'failed requests' : 'failed jobs') : 'minutes with failures';
    parts.push(`in ${pct(features.reach)} of ${what} (${features.reachCount} of ${features.reachOf})`);
  }
  parts.push(
    features.background
      ? `at the same rate before the onset (${features.baselineCount} before): background, not a cause`
      : features.baselineCount === 0
        ? 'absent before'
        : `${features.baselineCount} before the onset (${features.baselinePerHour}/h, against ${features.incidentPerHour}/h during)`,
  );
  void category;
  return parts.join('; ');
}

/** A family's reach over the symptom's minutes counts this much where the symptom's entities (failed jobs) could have been named by it but were not. */
const MINUTES_FOR_ENTITIES = 0.8;

/** Categories of database and platform findings that stand as resource conditions. */
const CONDITION_SIGNALS = new Set([
  'pool-exhaustion',
  'connection-refused',
  'idle-in-transaction',
  'blocking-chain',
  'lock-wait',
  'lock-timeout',
  'deadlock',
  'long-transaction',
  'memory-limit',
  'stuck-jobs',
]);

/** Lock conditions reach the failed jobs of a table their blocked or blocking statements name. */
const LOCK_SIGNALS = new Set(['blocking-chain', 'lock-wait', 'lock-timeout', 'long-transaction']);
/** A condition's score: by severity, plus this much times its reach over the symptom's jobs. */
const CONDITION_REACH_WEIGHT = 0.35;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The stuck (or lock-failed) jobs of a table the finding's statements or locked tables name, as a share of the symptom. */
function conditionReach(finding: Finding, symptom: DetectedSymptom | undefined, outcomes: JobOutcomes): { reach: number; hit: number; of: number; tables: string[] } | undefined {
  if (!LOCK_SIGNALS.has(finding.signal) || symptom?.kind !== 'failed-jobs' || symptom.ids.size === 0) return undefined;
  const text = [finding.detail, ...finding.refs.map((ref) => ref.excerpt)].join('\n');
  const tables = outcomes.tables.filter((table) => {
    const bare = table.split('.').pop()!.replace(/"/g, '');
    return new RegExp(`(?:^|[^\\w.])(?:\\w+\\.)?"?${escapeRegExp(bare)}"?(?![\\w])`, 'i').test(text);
  });
  if (tables.length === 0) return undefined;
  // The jobs a lock can explain: stuck in flight, or failed with a lock error recorded.
  let hit = 0;
  for (const id of symptom.ids) {
    const job = outcomes.failed.get(id);
    if (!job || !tables.includes(job.table)) continue;
    if (job.stuck || outcomes.errorOf.get(id)?.match?.signature.category === 'db-lock-contention') hit++;
  }
  return { reach: hit / symptom.ids.size, hit, of: symptom.ids.size, tables };
}

function conditionCandidates(findings: readonly Finding[], symptom: DetectedSymptom | undefined, outcomes: JobOutcomes): Candidate[] {
  return findings
    .filter((finding) => finding.area === 'database' && CONDITION_SIGNALS.has(finding.signal) && finding.count > 0)
    .flatMap((finding) => {
      const category = categoryOfSignal(finding.signal);
      if (!category) return [];
      const base = finding.severity === 'critical' || finding.severity === 'high' ? 0.35 : finding.severity === 'medium' ? 0.25 : 0.15;
      const reach = conditionReach(finding, symptom, outcomes);
      const score = round(base + (reach ? CONDITION_REACH_WEIGHT * reach.reach : 0), 3);
      const features: Features = {
        totalCount: 0,
        baselinePerHour: 0,
        incidentPerHour: 0,
        baselineCount: 0,
        incidentCount: finding.count,
        background: false,
        volumeShare: 0,
        appFrames: 0,
        recognised: true,
      };
      if (reach) Object.assign(features, { reach: round(reach.reach, 3), reachOver: 'entities', reachCount: reach.hit, reachOf: reach.of });
      return [
        {
          id: `condition-${finding.id}`,
          kind: 'resource-condition' as const,
          category,
          resource: reach ? `postgres table ${reach.tables.join(', ')}` : 'postgres',
          title: finding.title,
          statement: `${finding.title}: ${finding.detail}${reach ? `; the jobs of ${reach.tables.join(', ')} stuck in flight or failed on a lock are ${pct(reach.reach)} of the failed jobs (${reach.hit} of ${reach.of})` : ''}`,
          ...(finding.refs[0] ? { decisive: finding.refs[0] } : {}),
          refs: finding.refs.slice(0, 4),
          features,
          score,
          rule: reach
            ? `score = ${base} (a ${finding.severity} database condition) + ${CONDITION_REACH_WEIGHT} × reach ${round(reach.reach)} (its statements name ${reach.tables.join(', ')}, the table of the failed jobs)`
            : `score = ${score} (a ${finding.severity} database condition; no time series, so it corroborates error families of the same category)`,
          templates: [],
          remedies: [],
          findingIds: [finding.id],
        },
      ];
    });
}

const GENERIC_KEY_WORDS = new Set(['timeout', 'seconds', 'secs', 'ms', 'max', 'min', 'size', 'limit', 'count', 'num', 'value', 'config', 'settings']);

/** The most specific word of a key path (`database.max_overflow` -> `overflow`), to find a number named next to it. */
function keyWord(path: string): string | undefined {
  const segments = path.split('.').reverse();
  for (const segment of segments) {
    const words = segment
      .split(/[_-]|(?=[A-Z])/)
      .map((word) => word.toLowerCase())
      .filter((word) => word.length >= 3 && !GENERIC_KEY_WORDS.has(word) && /^[a-z]+$/.test(word));
    if (words.length > 0) return words[words.length - 1];
  }
  return undefined;
}

/** Whether the text names the value as a whole (`info` is not named by `getaddrinfo`, nor a host by a longer one). */
function mentions(text: string, value: string): boolean {
  for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + 1)) {
    if (!isNameCharacter(text.charCodeAt(at - 1)) && !isNameCharacter(text.charCodeAt(at + value.length))) return true;
  }
  return false;
}

/** Letters, digits and `_` (NaN, past either end of the text, is none). */
function isNameCharacter(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

/** The host or host:port of a URL value that differs from the other side's and that the error text names. */
function differingAddress(value: string, others: string[], text: string): string | undefined {
  const parse = (url: string) => {
    const match = /^[a-z][\w+.-]*:\/\/(?:[^/@]*@)?(\[[^\]]+\]|[^/:?#]+)(?::(\d+))?/i.exec(url.replace(/^["']|["']$/g, ''));
    return match ? { host: match[1]!, port: match[2] } : undefined;
  };
  const mine = parse(value);
  if (!mine || mine.host.length < 4) return undefined;
  const theirs = others.map(parse).filter((other) => other !== undefined);
  const hostDiffers = theirs.length === 0 || theirs.some((other) => other.host !== mine.host);
  const portDiffers = mine.port !== undefined && theirs.some((other) => other.port !== mine.port);
  if (portDiffers && mentions(text, `${mine.host}:${mine.port}`)) return `${mine.host}:${mine.port}`;
  if (hostDiffers && mentions(text, mine.host)) return mine.host;
  return undefined;
}

/** Config differences whose value the decisive error names (a host, URL, port or size), and config changes aligned with the onset. */
function configCandidates(bundle: EvidenceBundle, findings: readonly Finding[], families: Candidate[], context: Context): Candidate[] {
  const differences = evidenceOf(bundle, 'config').flatMap(({ source, evidence }) =>
    configComparisons(evidence).flatMap((comparison) => comparison.differences.map((difference) => ({ difference, source: source.id, file: comparison.left.path, comparison }))),
  );
  const out: Candidate[] = connectionDemandCandidates(differences, families, bundle.incident.environment);
  for (const family of families.slice(0, 5)) {
    if (family.score < 0.3) continue;
    const text = family.refs.map((ref) => ref.excerpt).join('\n') + '\n' + family.statement;
    for (const { difference, source, file, comparison } of differences) {
      // The failing environment's value: the side labelled with the incident's environment, else the left side.
      const incidentIsRight = comparison.right.label === bundle.incident.environment && comparison.left.label !== bundle.incident.environment;
      const values = (incidentIsRight ? [difference.right, difference.rightResolved] : [difference.left, difference.leftResolved]).filter((value): value is string => typeof value === 'string');
      const word = keyWord(difference.path);
      const others = (incidentIsRight ? [difference.left, difference.leftResolved] : [difference.right, difference.rightResolved]).filter((value): value is string => typeof value === 'string');
      let namedPart: string | undefined;
      const named = values.find((value) => {
        const clean = value.replace(/^["']|["']$/g, '');
        if (clean.length < 1 || /^(?:true|false|null|yes|no)$/i.test(clean)) return false;
        // A number is named only next to its key's word, and only for differences the comparison found risky.
        if (/^\d+(?:\.\d+)?$/.test(clean))
          return difference.risk !== 'low' && word !== undefined && new RegExp(`${word}\\W{0,3}(?:\\w+\\W{1,3}){0,3}${clean.replace('.', '\\.')}(?![\\d.])`, 'i').test(text);
        if (clean.length < 4) return false;
        // A plain word (info, debug, primary) is also prose ("More info:"): named only for differences the comparison found risky.
        if (/^[A-Za-z]+$/.test(clean) && difference.risk === 'low') return false;
        if (mentions(text, clean)) return true;
        // A URL: the error must name the part that differs (the host, or host:port when only the port differs).
        namedPart = differingAddress(clean, others, text);
        return namedPart !== undefined;
      });
      if (!named) continue;
      // A wrong address or name is the cause itself; a smaller limit is why a resource ran out (contributing).
      const limit = /^\d+(?:\.\d+)?$/.test(named.replace(/^["']|["']$/g, ''));
      const delta = limit ? -0.05 : 0.05;
      const refs: EvidenceRef[] = [
        { kind: 'config-path', source, file, path: difference.path, ...(difference.leftLine ? { line: difference.leftLine } : {}), excerpt: `${difference.path}: ${difference.left ?? ''}` },
        ...family.refs.slice(0, 2),
      ];
      out.push({
        id: `config-${difference.path}`,
        kind: 'config-difference',
        category: 'config-drift',
        resource: 'configuration',
        title: `Configuration ${difference.path} differs between ${comparison.left.label} and ${comparison.right.label}`,
        statement: `\`${difference.path}\` is \`${difference.left ?? '(absent)'}\` in ${comparison.left.label} but \`${difference.right ?? '(absent)'}\` in ${comparison.right.label}${difference.risk === 'low' ? ` (the comparison took it for an expected difference: ${difference.reason})` : ''}, and the decisive error names \`${namedPart ?? named}\`: ${family.statement}`,
        decisive: refs[0]!,
        refs,
        features: { ...family.features },
        score: round(Math.max(0, Math.min(1, family.score + delta)), 3),
        rule: limit
          ? `score = the score of the error family it explains (${family.score}) − 0.05: the limit that ran out is set lower here (${difference.reason}); a contributing factor`
          : `score = the score of the error family it explains (${family.score}) + 0.05: the failing value comes from this configuration difference (${difference.reason})`,
        templates: family.templates,
        ...(limit ? {} : { explains: family.category }),
        remedies: [
          {
            id: 'align-config-value',
            option: 'B',
            action: `Set ${difference.path} in ${comparison.left.label} to the value that works (${comparison.right.label}: ${difference.right ?? 'absent'}), or correct it where it is wrong.`,
            settings: [difference.path],
          },
        ],
        findingIds: findings
          .filter((finding) => finding.signal === 'config-risky-difference' && finding.refs.some((ref) => ref.kind === 'config-path' && ref.path === difference.path))
          .map((finding) => finding.id),
      });
    }
  }
  // A configuration change (a commit touching config) just before the onset.
  const onset = context.symptom?.onset ? Date.parse(context.symptom.onset) : undefined;
  for (const change of context.changes.filter((event) => event.kind === 'config change')) {
    if (onset === undefined) continue;
    const minutes = (onset - Date.parse(change.time)) / MINUTE;
    if (minutes < -2 || minutes > 60) continue;
    const score = round(0.3 + 0.3 * alignment(-minutes), 3);
    out.push({
      id: `config-change-${change.time}`,
      kind: 'change-event',
      category: 'config-drift',
      resource: 'configuration',
      title: `Configuration changed at ${hhmm(change.time)}`,
      statement: `${change.label} at ${hhmm(change.time)}, ${Math.round(minutes)} min before the failures began`,
      ...(change.ref ? { decisive: change.ref } : {}),
      refs: change.ref ? [change.ref] : [],
      features: {
        totalCount: 0,
        baselinePerHour: 0,
        incidentPerHour: 0,
        baselineCount: 0,
        incidentCount: 0,
        background: false,
        volumeShare: 0,
        appFrames: 0,
        recognised: false,
        onsetOffsetMinutes: -Math.round(minutes),
        changeEvent: { kind: change.kind, time: change.time, label: change.label, minutesBefore: Math.round(minutes) },
      },
      score,
      rule: `score = 0.3 + 0.3 × alignment of the change with the symptom's onset (${Math.round(minutes)} min before)`,
      templates: [],
      remedies: [],
      findingIds: change.findingId ? [change.findingId] : [],
    });
  }
  return out;
}

/** A deploy just before the onset after which errors without a more specific cause appeared. */
function deployCandidates(context: Context, families: Candidate[]): Candidate[] {
  const onset = context.symptom?.onset ? Date.parse(context.symptom.onset) : undefined;
  if (onset === undefined) return [];
  const out: Candidate[] = [];
  const totalIncident = families.reduce((sum, family) => sum + family.features.incidentCount, 0);
  for (const deploy of context.changes.filter((event) => event.kind === 'deploy')) {
    const minutes = (onset - Date.parse(deploy.time)) / MINUTE;
    if (minutes < -2 || minutes > 60) continue;
    const fresh = families.filter((family) => family.features.changeEvent?.time === deploy.time && family.features.baselineCount === 0);
    const share = totalIncident > 0 ? fresh.reduce((sum, family) => sum + family.features.incidentCount, 0) / totalIncident : 0;
    if (share === 0) continue;
    const score = round(0.45 * alignment(-minutes) * share, 3);
    out.push({
      id: `deploy-${deploy.time}`,
      kind: 'change-event',
      category: 'deploy-regression',
      resource: 'application release',
      title: `Deploy at ${hhmm(deploy.time)}`,
      statement: `the deploy at ${hhmm(deploy.time)}, ${Math.round(minutes)} min before the failures began; ${pct(share)} of the errors during the incident are new since it`,
      ...(deploy.ref ? { decisive: deploy.ref } : {}),
      refs: [...(deploy.ref ? [deploy.ref] : []), ...fresh.flatMap((family) => family.refs.slice(0, 1))].slice(0, 4),
      features: {
        totalCount: 0,
        baselinePerHour: 0,
        incidentPerHour: 0,
        baselineCount: 0,
        incidentCount: 0,
        background: false,
        volumeShare: round(share, 3),
        appFrames: 0,
        recognised: false,
        onsetOffsetMinutes: -Math.round(minutes),
        changeEvent: { kind: 'deploy', time: deploy.time, label: deploy.label, minutesBefore: Math.round(minutes) },
      },
      score,
      rule: `score = 0.45 × alignment with the onset (${round(alignment(-minutes))}) × share of incident errors new since the deploy (${round(share)})`,
      templates: [],
      remedies: [{ id: 'roll-back-release', option: 'A', action: `Roll back to the release before the deploy at ${hhmm(deploy.time)}, then fix forward with a test for the failing path.` }],
      findingIds: deploy.findingId ? [deploy.findingId] : [],
    });
  }
  return out;
}

/** Attribute the symptom to its candidate causes; pure. */
export function attribute(bundle: EvidenceBundle, findings: readonly Finding[]): Attribution {
  const start = Date.parse(bundle.incident.window.start);
  const end = Date.parse(bundle.incident.window.end) + MINUTE;
  const outcomes = jobOutcomes(bundle);
  const symptom = detectSymptom(bundle, [...findings], outcomes);
  const onset = symptom?.onset ? Date.parse(symptom.onset) : undefined;
  const manifestBaseline = bundle.incident.baseline;
  const baseline = manifestBaseline
    ? { from: Date.parse(manifestBaseline.start), to: Date.parse(manifestBaseline.end) }
    : { from: start, to: onset !== undefined ? Math.max(start, onset - BASELINE_GAP_MINUTES * MINUTE) : start };
  const incident = { from: onset ?? start, to: symptom?.end ? Math.max(Date.parse(symptom.end), (onset ?? start) + MINUTE) : end };
  const { families: logFamilies, requestTemplates } = errorFamilies(bundle);
  const binMs = symptom?.series.binMs;
  const families = mergeCoEmitted([...logFamilies, ...jobErrorFamilies(outcomes, logFamilies)], (family) => seriesOf(family.minutes, start, end, binMs).bins);
  const context: Context = {
    bundle,
    ...(symptom ? { symptom } : {}),
    start,
    end,
    baseline,
    incident,
    changes: changeEvents(bundle, findings),
    chains: chainsOf(bundle, symptom?.entityKind ?? '\u0000', requestTemplates),
    allChains: chainsOf(bundle, undefined, requestTemplates),
    requestTemplates,
  };
  addJobChains(context, outcomes, families);
  const series = new Map(families.map((family) => [family.key, seriesOf(family.minutes, start, end, binMs)]));
  const totalIncident = families.reduce((sum, family) => sum + countBetween(series.get(family.key)!, incident.from, incident.to), 0);
  const familyCandidates: Candidate[] = families.map((family) => {
    const features = familyFeatures(family, context, totalIncident, series.get(family.key)!);
    const { score, rule } = familyScore(features);
    const category = familyCategory(family, features);
    return {
      id: `family-${family.key
        .replace(/[^A-Za-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .toLowerCase()}`,
      kind: 'error-family',
      category,
      ...(family.resource ? { resource: family.resource } : {}),
      ...(family.match ? { signatureId: family.match.signature.id } : {}),
      title: family.title,
      statement: statementOf(family, features, category, symptom),
      ...(family.refs[0] ? { decisive: family.refs[0] } : {}),
      refs: family.refs.slice(0, 5),
      features,
      score,
      rule,
      templates: family.templates,
      sources: family.sources,
      remedies: family.match?.signature.remedies.map((remedy) => ({ ...remedy })) ?? [],
      findingIds: [],
    };
  });
  familyCandidates.sort((a, b) => b.score - a.score || b.features.incidentCount - a.features.incidentCount || a.id.localeCompare(b.id));
  const candidates = attributePeerFailures(
    [...familyCandidates, ...deployCandidates(context, familyCandidates), ...configCandidates(bundle, findings, familyCandidates, context), ...conditionCandidates(findings, symptom, outcomes)].sort(
      (a, b) => b.score - a.score || a.id.localeCompare(b.id),
    ),
  );
  const public_symptom = symptom ? (({ series: _series, ids: _ids, source: _source, ...rest }) => rest)(symptom) : undefined;
  return { ...(public_symptom ? { symptom: public_symptom } : {}), candidates, chain: buildChain(candidates, public_symptom, context.chains) };
}
