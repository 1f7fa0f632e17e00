// Shapes of symptom-anchored attribution: the symptom, the candidate causes and the features that score them.
import type { EvidenceRef } from '../../evidence/schema.ts';
import type { HypothesisCategory } from '../types.ts';

export interface Symptom {
  kind: 'failed-requests' | 'failed-jobs' | 'error-records';
  /** detected from the evidence, or named in the manifest (`symptom:`). */
  from: 'evidence' | 'manifest';
  /** In words, with exact counts: "612 failed requests (HTTP >= 500) on POST /checkout". */
  description: string;
  /** Exact count of failed requests, jobs or error records. */
  count: number;
  onset?: string;
  end?: string;
  /** Failed requests by endpoint (method, masked path, status), all of them. */
  endpoints: { endpoint: string; status: number; count: number }[];
  /** Entity kind and ids of the failures (request or job ids), when the evidence names them. */
  entityKind?: string;
  entities: number;
  /** Minutes with a failure inside the symptom's segment. */
  minutes: number;
  refs: EvidenceRef[];
}

/** The features that score a candidate, each with its value; printed with the hypothesis. */
export interface Features {
  /** Minutes between the candidate's onset and the symptom's onset (negative: before). */
  onsetOffsetMinutes?: number;
  /** The change event (deploy, restart, config change, commit) closest before the candidate's onset, within 60 minutes. */
  changeEvent?: { kind: string; time: string; label: string; minutesBefore: number };
  /** Rate per hour before the onset (baseline) and during the symptom. */
  baselinePerHour: number;
  incidentPerHour: number;
  /** Every record of the candidate in the window (exact), and those in the baseline and incident parts. */
  totalCount: number;
  baselineCount: number;
  incidentCount: number;
  /** Same rate before and during: background noise, not a cause. */
  /** Share of its records at level fatal. */
  fatalShare?: number;
  background: boolean;
  /** Share of symptom entities (or symptom minutes) the candidate co-occurs with, 0..1, and over what. */
  reach?: number;
  reachOver?: 'entities' | 'minutes';
  reachCount?: number;
  reachOf?: number;
  /** Reach over minutes although the symptom has entities (failed jobs) the candidate could have named: weaker evidence. */
  entitiesUnnamed?: true;
  /** Share of the entities it appears in where it is the first error of the chain, 0..1. */
  precedence?: number;
  /** Share of the incident's error records it accounts for, 0..1. */
  volumeShare: number;
  /** Application stack frames in its records (count of distinct frames), and the failing one. */
  appFrames: number;
  frame?: string;
  /** Whether the error catalogue recognised it. */
  recognised: boolean;
}

export interface Candidate {
  id: string;
  kind: 'error-family' | 'change-event' | 'resource-condition' | 'config-difference';
  category: HypothesisCategory;
  /** What failed or ran out: `postgres`, `redis at cache:6379`, `api.stripe.com`, `application code` ... */
  resource?: string;
  signatureId?: string;
  /** The signature's or family's title, e.g. "Go panic: nil pointer dereference". */
  title: string;
  /** The cause in one sentence, with the decisive error, location, timing and reach. */
  statement: string;
  /** The decisive error: the first record of the family after onset. */
  decisive?: EvidenceRef;
  refs: EvidenceRef[];
  features: Features;
  score: number;
  /** How the score was computed, term by term. */
  rule: string;
  /** For a configuration difference: the category of the error family it explains. */
  explains?: HypothesisCategory;
  /** The id of the candidate this one is a consequence of (a far end that refused while that process died). */
  consequenceOf?: string;
  /** Log sources its records come from. */
  sources?: string[];
  /** Template ids (error families) behind it. */
  templates: string[];
  /** Remedies from the signature (option letter and action). */
  remedies: { id: string; option: 'A' | 'B' | 'C'; action: string; settings?: string[] }[];
  /** Ids of findings it rests on. */
  findingIds: string[];
}

export interface CausalChain {
  root?: { candidate: string; statement: string; refs: EvidenceRef[] };
  consequences: { candidate: string; statement: string; refs: EvidenceRef[] }[];
  impact: { statement: string; refs: EvidenceRef[] };
  contributing: { candidate: string; statement: string; refs: EvidenceRef[] }[];
  background: { candidate: string; statement: string; refs: EvidenceRef[] }[];
}

export interface Attribution {
  symptom?: Symptom;
  candidates: Candidate[];
  chain: CausalChain;
}
