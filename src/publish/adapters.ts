// The tracker registry: one adapter per tracker; adding a tracker is one file and one line here.
import { githubAdapter } from './github.ts';
import { gitlabAdapter } from './gitlab.ts';
import { jiraAdapter } from './jira.ts';
import { linearAdapter } from './linear.ts';
import type { Target, TrackerKind } from './target.ts';
import type { TrackerAdapter } from './types.ts';

const ADAPTERS: { [K in TrackerKind]: TrackerAdapter<Extract<Target, { tracker: K }>> } = {
  github: githubAdapter,
  jira: jiraAdapter,
  linear: linearAdapter,
  gitlab: gitlabAdapter,
};

export function adapterFor<T extends Target>(target: T): TrackerAdapter<T> {
  return ADAPTERS[target.tracker] as unknown as TrackerAdapter<T>;
}

/** Environment variables that hold tracker credentials: never printed, logged or written. */
export const CREDENTIAL_VARIABLES = ['GITHUB_TOKEN', 'JIRA_API_TOKEN', 'JIRA_PAT', 'LINEAR_API_KEY', 'GITLAB_TOKEN'] as const;
