// The `fracas check` command for an incident and a scheduled workflow that runs it, shown in the report's Monitoring section.
import type { EvidenceBundle } from '../evidence/schema.ts';

export interface MonitoringSchedule {
  command: string;
  /** A GitHub Actions workflow (YAML) that runs the command every 15 minutes and fails the run on an alert. */
  workflow: string;
}

/** Environment variables a scheduled run needs for the kinds of source the incident reads. */
function secretsFor(bundle: EvidenceBundle): string[] {
  const kinds = new Set(bundle.sources.map((source) => source.kind));
  return [...(kinds.has('database') ? ['DATABASE_URL'] : []), ...(kinds.has('render-api') ? ['RENDER_API_KEY'] : [])];
}

/** `incidentPath`: the incident directory as the scheduled job sees it (relative to the repository root). */
export function monitoringSchedule(bundle: EvidenceBundle, incidentPath: string): MonitoringSchedule {
  const command = `fracas check ${incidentPath} --minutes 15`;
  const secrets = secretsFor(bundle);
  const name = `fracas-check-${bundle.incident.id.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  const workflow = [
    `name: ${name}`,
    'on:',
    '  schedule:',
    "    - cron: '*/15 * * * *'",
    '  workflow_dispatch: {}',
    'jobs:',
    '  check:',
    '    runs-on: ubuntu-latest',
    '    timeout-minutes: 10',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - uses: actions/setup-node@v4',
    '        with:',
    '          node-version: 20',
    '      - run: npm ci  # fracas as a dev dependency of this repository',
    `      - run: npx ${command} --json > fracas-check.json`,
    ...(secrets.length > 0 ? ['        env:', ...secrets.map((secret) => `          ${secret}: \${{ secrets.${secret} }}`)] : []),
    '      - if: always()',
    '        uses: actions/upload-artifact@v4',
    '        with:',
    `          name: ${name}`,
    '          path: fracas-check.json',
  ].join('\n');
  return { command, workflow };
}
