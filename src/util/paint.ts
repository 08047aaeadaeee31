import picocolors from 'picocolors';

/**
 * The few colours human output uses: green ok, red failure, yellow warning, dim secondary, bold
 * headings. A renderer takes a Paint (default `plainPaint`) so the same text is coloured on a
 * terminal and plain in a file, a pipe or `--json`; which one a stream gets is decided in
 * src/cli/output.ts.
 */
export interface Paint {
  readonly enabled: boolean;
  readonly ok: (text: string) => string;
  readonly fail: (text: string) => string;
  readonly warn: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
}

/** Colours with escape codes when `enabled`, else the identity (picocolors does the codes). */
export function createPaint(enabled: boolean): Paint {
  const c = picocolors.createColors(enabled);
  return Object.freeze({ enabled, ok: c.green, fail: c.red, warn: c.yellow, dim: c.dim, bold: c.bold });
}

/** `never` (NO_COLOR, FORCE_COLOR=0), `always` (FORCE_COLOR), else `auto`: colour when the stream is a terminal. */
export type ColorSetting = 'auto' | 'always' | 'never';

/**
 * Whether human output to a stream is coloured: `never` (NO_COLOR set, or FORCE_COLOR=0/false)
 * wins, `always` (FORCE_COLOR set otherwise) forces it, else only a terminal that is not TERM=dumb.
 */
export function colorWanted(setting: ColorSetting, isTTY: boolean, dumbTerminal: boolean): boolean {
  if (setting !== 'auto') return setting === 'always';
  return isTTY && !dumbTerminal;
}

/** No colour at all. */
export const plainPaint: Paint = createPaint(false);
