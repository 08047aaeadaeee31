import { isAscii } from 'node:buffer';

/**
 * The text of a stream's decoded chunks, exactly as `new TextDecoder('utf-8', { ignoreBOM: true })`
 * gives it with `{ stream: true }`, chunk by chunk. Most streams are ASCII throughout (JSON escapes
 * what is not), so a chunk is read as Latin-1 (the same characters for ASCII bytes, and a copy
 * rather than a decode) as long as every chunk before it was ASCII too: the decoder then holds no
 * partial character. From the first other chunk on, and for the end, the real decoder runs
 * (created then, not per answer).
 */
export class StreamTextDecoder {
  #decoder: InstanceType<typeof TextDecoder> | undefined;

  /** True while every chunk so far was ASCII: each character of the text so far is one byte. */
  get ascii(): boolean {
    return this.#decoder === undefined;
  }

  decode(chunk: Buffer): string {
    if (this.#decoder === undefined) {
      if (isAscii(chunk)) return chunk.toString('latin1');
      this.#decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    }
    return this.#decoder.decode(chunk, { stream: true });
  }

  /** What is left at the end: U+FFFD for a character the stream cut short, else ''. */
  end(): string {
    return this.#decoder?.decode() ?? '';
  }
}
