import type { StreamEvent } from '../types.js';
import type { StreamFormat } from './types.js';

/** Whether a stream format is binary: its recorded events' `raw` is base64, not text. */
export function isBinaryStreamFormat(format: StreamFormat): boolean {
  return format === 'aws-eventstream';
}

/** The wire bytes of one recorded stream event. */
export function streamEventBytes(format: StreamFormat, event: StreamEvent): Buffer {
  if (event.base64 !== undefined) return Buffer.from(event.base64, 'base64');
  return Buffer.from(event.raw, isBinaryStreamFormat(format) ? 'base64' : 'utf8');
}
