// The appendix's evidence entries: each drafted statement that cites evidence gets one, titled so the body links to it and it links back.
import type { Analysis, EvidenceEntry, ProposedText } from './model.ts';

type Deliverable = EvidenceEntry['deliverable'];

interface Section {
  deliverable: Deliverable;
  /** The heading of the body section the statements stand under (the link back). */
  back: string;
  /** Names the statement in the entry's title. */
  label: string;
  items: ProposedText[];
}

/** Give every statement with references an entry title; return the statements (copied) and the entries. */
function index(sections: Section[]): { sections: ProposedText[][]; entries: EvidenceEntry[] } {
  const entries: EvidenceEntry[] = [];
  const linked = sections.map((section) =>
    section.items.map((item, position) => {
      if (item.refs.length === 0) return { ...item };
      const title = `Evidence: ${section.label} ${position + 1}`;
      entries.push({ title, back: section.back, deliverable: section.deliverable, text: item.text, refs: item.refs });
      return { ...item, evidence: title };
    }),
  );
  return { sections: linked, entries };
}

type Linkable = Pick<Analysis, 'what' | 'when' | 'patterns' | 'options' | 'recommendation' | 'plan' | 'prevention'>;

/** The same view with `evidence` set on cited statements, and the appendix entries in document order. */
export function linkEvidence<T extends Linkable>(analysis: T): T & { evidenceIndex: EvidenceEntry[] } {
  const sections: Section[] = [
    { deliverable: 'root-cause-report', back: 'What', label: 'what', items: analysis.what },
    { deliverable: 'root-cause-report', back: 'When', label: 'when', items: analysis.when },
    { deliverable: 'root-cause-report', back: 'Failure patterns', label: 'failure pattern', items: analysis.patterns },
    ...analysis.options.map(
      (option): Section => ({ deliverable: 'solution-design', back: `Option ${option.letter}: ${option.title}`, label: `option ${option.letter} change`, items: option.changes }),
    ),
    { deliverable: 'solution-design', back: 'Recommendation', label: 'recommendation', items: analysis.recommendation.justification },
    { deliverable: 'implementation-plan', back: 'Steps', label: 'step', items: analysis.plan.steps },
    { deliverable: 'implementation-plan', back: 'Testing', label: 'test', items: analysis.plan.testing },
    { deliverable: 'implementation-plan', back: 'Rollback', label: 'rollback', items: analysis.plan.rollback },
    { deliverable: 'prevention-measures', back: 'Process', label: 'process measure', items: analysis.prevention.process },
    { deliverable: 'prevention-measures', back: 'Tooling', label: 'tooling measure', items: analysis.prevention.tooling },
    { deliverable: 'prevention-measures', back: 'Documentation', label: 'documentation measure', items: analysis.prevention.documentation },
  ];
  const { sections: linked, entries } = index(sections);
  const take = () => linked.shift() ?? [];
  const what = take();
  const when = take();
  const patterns = take();
  const options = analysis.options.map((option) => ({ ...option, changes: take() }));
  const justification = take();
  const steps = take();
  const testing = take();
  const rollback = take();
  const process = take();
  const tooling = take();
  const documentation = take();
  return {
    ...analysis,
    what,
    when,
    patterns,
    options,
    recommendation: { ...analysis.recommendation, justification },
    plan: { ...analysis.plan, steps, testing, rollback },
    prevention: { process, tooling, documentation },
    evidenceIndex: entries,
  };
}
