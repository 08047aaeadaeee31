import { environment } from '../config/environment.js';
import { colorWanted, createPaint } from '../util/paint.js';
import type { Paint } from '../util/paint.js';

/** stdout is data, stderr is talk. */
export function printData(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** One JSON document on stdout (the whole output of a `--json` command): never coloured. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function printTalk(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

const paints = new Map<NodeJS.WriteStream, Paint>();

/** The colours for human text written to `stream` (stdout for tables, stderr for talk). */
export function paintFor(stream: NodeJS.WriteStream): Paint {
  let paint = paints.get(stream);
  if (!paint) {
    const env = environment();
    paint = createPaint(colorWanted(env.color, stream.isTTY === true, env.dumbTerminal));
    paints.set(stream, paint);
  }
  return paint;
}

/** Colours for stdout tables and for stderr talk. */
export const dataPaint = (): Paint => paintFor(process.stdout);
export const talkPaint = (): Paint => paintFor(process.stderr);
