// The JSON Schema of incident.yaml, generated from the zod schema so editors can complete and check manifests.
import { z } from 'zod';
import { manifestSchema } from '../manifest/index.ts';

function manifestJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(manifestSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://unpkg.com/fracas/schema/incident.schema.json', title: 'fracas incident manifest (incident.yaml)' };
}

export function manifestJsonSchemaText(): string {
  return `${JSON.stringify(manifestJsonSchema(), null, 2)}\n`;
}
