// Writes schema/cassette.config.schema.json from the zod schema, the single source of the config's shape.
import { mkdirSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { configFileSchema } from '../dist/config/config-schema.js';
import { knownFamilies } from '../dist/providers/registry.js';

const schema = z.toJSONSchema(configFileSchema, { io: 'input', unrepresentable: 'any' });
// The families are checked in code (provider modules may be added); editors get the built-in list.
schema.properties.providers.items.properties.family.enum = knownFamilies();
schema.title = 'cassette.config.json';
schema.description = 'Configuration of llm-cassette (docs/config.md)';
mkdirSync(new URL('../schema/', import.meta.url), { recursive: true });
writeFileSync(new URL('../schema/cassette.config.schema.json', import.meta.url), `${JSON.stringify(schema, null, 2)}\n`);
