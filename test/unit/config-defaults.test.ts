// The config without a file (CONFIG_DEFAULTS, plain data so that the proxy need not load zod) must be
// exactly what the schema makes of an empty file, so that a proxy with and without one agree.
import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS } from '../../src/config/config-defaults.js';
import { configFileSchema } from '../../src/config/config-schema.js';

describe('config defaults', () => {
  it('equal what the schema fills into an empty config file', () => {
    expect(configFileSchema.parse({})).toEqual(CONFIG_DEFAULTS);
  });

  it('fill in the keys a partial section leaves out', () => {
    const file = configFileSchema.parse({ match: { ignore: ['metadata'] }, limits: { maxBodyBytes: 1024 } });
    expect(file.match).toEqual({ ...CONFIG_DEFAULTS.match, ignore: ['metadata'] });
    expect(file.limits).toEqual({ ...CONFIG_DEFAULTS.limits, maxBodyBytes: 1024 });
  });

  it('are frozen: every server of a process shares them', () => {
    expect(Object.isFrozen(CONFIG_DEFAULTS)).toBe(true);
    expect(Object.isFrozen(CONFIG_DEFAULTS.match.headers)).toBe(true);
  });
});
