// The whole catalogue: every ecosystem's signatures in one list (order breaks ties between equal matches).
import type { ErrorSignature } from '../types.ts';
import { GENERAL } from './general.ts';
import { GO_SIGNATURES } from './go.ts';
import { HTTP_SIGNATURES } from './http.ts';
import { JAVA } from './java.ts';
import { NODE_SIGNATURES } from './node.ts';
import { PLATFORM } from './platform.ts';
import { POSTGRES } from './postgres.ts';
import { PYTHON } from './python.ts';
import { REDIS_SIGNATURES } from './redis.ts';
import { RUBY } from './ruby.ts';

export const CATALOGUE: readonly ErrorSignature[] = [...POSTGRES, ...REDIS_SIGNATURES, ...PYTHON, ...NODE_SIGNATURES, ...GO_SIGNATURES, ...JAVA, ...RUBY, ...HTTP_SIGNATURES, ...PLATFORM, ...GENERAL];
