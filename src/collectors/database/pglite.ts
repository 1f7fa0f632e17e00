// Starts an in-memory PGlite and runs the manifest's seed SQL files into it.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SourceFailure } from '../types.ts';
import { pgliteSession, type DbSession, type SessionLimits } from './session.ts';

export async function openPglite(seedFiles: string[], limits: SessionLimits): Promise<DbSession> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite();
  try {
    await db.waitReady;
    for (const file of seedFiles) {
      let sql: string;
      try {
        sql = await readFile(file, 'utf8');
      } catch (error) {
        throw new SourceFailure(`cannot read seed file ${file}: ${(error as Error).message}`, (error as NodeJS.ErrnoException).code ?? 'ENOENT', 'check the paths under seed: in the manifest');
      }
      try {
        await db.exec(sql);
      } catch (error) {
        const err = error as { message?: string; code?: string; position?: string };
        throw new SourceFailure(
          `seed file ${path.basename(file)} failed in PGlite: ${err.message ?? String(error)}${err.code ? ` (SQLSTATE ${err.code})` : ''}`,
          err.code ?? 'seed-error',
          'fix the seed SQL (PGlite runs PostgreSQL; extensions and roles may be missing)',
        );
      }
    }
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return pgliteSession(db, limits);
}
