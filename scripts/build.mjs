// Builds the shipped JavaScript: tsc emits src/ into dist/, then the Handlebars templates (and their precompiled form) and run-time assets are copied beside it.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const staging = path.join(root, 'dist.tmp');
rmSync(staging, { recursive: true, force: true });
execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json'), '--outDir', staging], { stdio: 'inherit' });
mkdirSync(path.join(staging, 'templates'), { recursive: true });
cpSync(path.join(root, 'src/templates'), path.join(staging, 'templates'), { recursive: true });
// Files read or started at run time beside their modules: the PGlite worker thread and the secret catalogue.
cpSync(path.join(root, 'src/collectors/database/pglite-worker.mjs'), path.join(staging, 'collectors/database/pglite-worker.mjs'));
cpSync(path.join(root, 'src/lib/secrets/rules'), path.join(staging, 'lib/secrets/rules'), { recursive: true });
// The templates precompiled beside them, so a report does not compile them (the renderer checks they match the sources).
const { precompiledModule } = await import(path.join(staging, 'render/handlebars.js'));
writeFileSync(path.join(staging, 'templates/precompiled.cjs'), precompiledModule(path.join(staging, 'templates')));
rmSync(path.join(root, 'dist'), { recursive: true, force: true });
renameSync(staging, path.join(root, 'dist'));
