// Builds the shipped JavaScript: tsc emits src/ into dist/, then the Handlebars templates are copied beside it.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const staging = path.join(root, 'dist.tmp');
rmSync(staging, { recursive: true, force: true });
execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json'), '--outDir', staging], { stdio: 'inherit' });
mkdirSync(path.join(staging, 'templates'), { recursive: true });
cpSync(path.join(root, 'src/templates'), path.join(staging, 'templates'), { recursive: true });
rmSync(path.join(root, 'dist'), { recursive: true, force: true });
renameSync(staging, path.join(root, 'dist'));
