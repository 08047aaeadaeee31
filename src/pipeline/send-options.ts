import type { ProxyRuntime } from '../modes/proxy-runtime.js';
import type { SendOptions } from '../modes/send-recorded.js';
import type { Truncate } from './step.js';

/** How an answer the proxy makes (replayed, mocked) is written: the mode's timing and any --chaos cut. */
export function sendOptions(rt: ProxyRuntime, truncate: Truncate | undefined): SendOptions {
  return { timing: rt.options.timing, ...(truncate ? { truncateAfterEvents: truncate.afterEvents } : {}) };
}
