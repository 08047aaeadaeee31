import { createJsonArrayFramer } from './json-array-framer.js';
import { createNdjsonFramer } from './ndjson-framer.js';
import { createSseFramer } from './sse-framer.js';
import type { Framer, StreamFormat } from './types.js';

/** Returns a fresh framer for one stream of the given text wire format. */
export function createFramer(format: StreamFormat): Framer {
  switch (format) {
    case 'sse':
      return createSseFramer();
    case 'ndjson':
      return createNdjsonFramer();
    case 'json-array':
      return createJsonArrayFramer();
    case 'aws-eventstream':
      throw new Error('aws-eventstream is binary: frame it with createEventStreamFramer (aws-eventstream.ts)');
  }
}
