// The small commands in-process: --help, init, validate, schema, and usage errors.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { parseManifest } from '../../src/manifest/index.ts';

const run = runCli;

describe('fracas commands', () => {
  it('--help lists the commands and the exit codes', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    for (const command of ['init', 'collect', 'render', 'report', 'templates', 'schema', 'validate', 'doctor']) expect(help.out).toContain(command);
    expect(help.out).toMatch(/Exit codes:[\s\S]*0 +complete[\s\S]*4 +Markdown written/);
  });

  it('init scaffolds a manifest that validates, and refuses to overwrite it', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'fracas-init-')), 'inc');
    const created = await run('init', dir, '--id', 'FM-100', '--title', 'Webhooks "fail" sometimes', '--severity', 'P1', '--since', '6h');
    expect(created.code).toBe(0);
    const file = path.join(dir, 'incident.yaml');
    const manifest = parseManifest(readFileSync(file, 'utf8'), file, {});
    expect(manifest).toMatchObject({ id: 'FM-100', title: 'Webhooks "fail" sometimes', severity: 'P1' });
    expect((await run('validate', dir)).code).toBe(0);
    const again = await run('init', dir, '--id', 'FM-100', '--title', 'x', '--since', '6h');
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already exists.*--force/);
  });

  it('schema prints the JSON Schema', async () => {
    const schema = await run('schema');
    expect(JSON.parse(schema.out)).toMatchObject({ type: 'object' });
  });

  it('render before collect is a usage mistake: exit 1 with what to run', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'fracas-render-')), 'inc');
    await run('init', dir, '--id', 'FM-101', '--title', 't', '--since', '6h');
    const rendered = await run('render', dir);
    expect(rendered.code).toBe(1);
    expect(rendered.err).toMatch(/no saved evidence \(run `fracas collect/);
  });

  it('rejects an unknown format with exit code 1', async () => {
    const bad = await run('report', '.', '--format', 'docx');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/unknown format "docx"/);
  });
});
