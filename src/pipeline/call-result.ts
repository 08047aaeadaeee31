import type { MissExplanation } from '../match/explain-miss.js';
import type { Outcome } from '../modes/proxy-stats.js';
import type { Interaction, RecordedRequest } from '../types.js';

/** What one proxied call came to: the server counts, logs and shows it. */
export interface CallResult {
  outcome: Outcome;
  status: number;
  key?: string;
  /** A miss: what was asked and the nearest recording (the UI's live view and reports show it). */
  miss?: MissDetail;
  /** record-missing: the complete interaction this call recorded (what identical waiting calls serve). */
  recorded?: Interaction;
}

/** A missed request as stored (redacted) and why it missed. */
export interface MissDetail {
  message: string;
  request: RecordedRequest;
  explanation?: MissExplanation;
}
