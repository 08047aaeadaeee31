/** One problem `cassette verify` found: a credential-shaped value (masked) or a broken record. */
export interface VerifyFinding {
  kind: 'credential' | 'integrity' | 'stale' | 'pin';
  /** A file (with line or byte offset), or `episode "e" take t step p` with the JSON path inside. */
  where: string;
  /** Credential findings: the name of the shape that matched. */
  pattern?: string;
  /** Credential findings: the value as maskSecret shows it, never the value itself. */
  masked?: string;
  /** Integrity, stale and pin findings: what is wrong. */
  message?: string;
}
