import { CassetteError } from '../errors.js';

/** The error of an append to a finished take: a finished take never changes (docs/stores.md, "Fleet"). */
export function takeFinished(episode: string, take: number | undefined): CassetteError {
  return new CassetteError('take_finished', `episode ${episode} take ${take ?? '?'} is finished: a finished take never changes`, {
    hint: 'Record into a new take (--mode live) or continue the newest one with --mode record-missing.',
  });
}
