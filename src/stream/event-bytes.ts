import type { StreamFormat } from './types.js';

/** Whether a stream format is binary: its recorded events' `raw` is base64, not text. */
export function isBinaryStreamFormat(format: StreamFormat): boolean {
  return format === 'aws-eventstream';
}

/** The wire bytes of one recorded stream event. */
export function streamEventBytes(format: StreamFormat, raw: string): Buffer {
  return Buffer.from(raw, isBinaryStreamFormat(format) ? 'base64' : 'utf8');
}
