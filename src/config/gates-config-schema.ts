import { z } from 'zod';

const rate = z.number().min(0).max(1);
const duration = z.string().regex(/^\d+(\.\d+)?[smhdw]$/, 'A duration such as 30d, 12h, 90m');

/** Config key `gates` (docs/gates.md): thresholds of `cassette flaky`, `gate`, `stale` and `gates`. */
export const gatesConfigSchema = z
  .object({
    /** Which gates `cassette gates` runs (default all but drift when there are no contracts). */
    run: z.array(z.enum(['flaky', 'perf', 'cost', 'stale', 'drift'])).optional(),
    flaky: z
      .object({
        window: z.number().int().positive().optional(),
        flakyAbove: rate.optional(),
        quarantineAbove: rate.optional(),
        minRuns: z.number().int().positive().optional(),
        maxFlaky: z.number().int().nonnegative().optional(),
        quarantineFile: z.string().min(1).optional(),
        action: z.enum(['skip', 'xfail']).optional(),
        label: z.string().optional(),
      })
      .strict()
      .optional(),
    perf: z
      .object({
        baseline: z.string().min(1).optional(),
        current: z.string().min(1).optional(),
        p50: rate.optional(),
        p95: rate.optional(),
        p99: rate.optional(),
        throughput: rate.optional(),
        costCeilingUsd: z.number().nonnegative().optional(),
        minSamples: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    stale: z.object({ olderThan: duration.optional() }).strict().optional(),
  })
  .strict();

export type GatesConfig = z.infer<typeof gatesConfigSchema>;
