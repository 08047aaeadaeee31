import { isUtf8 } from 'node:buffer';

const REPLACEMENT = '\uFFFD';

/**
 * Keeps the decoded bytes of a text stream until the framer has cut them into events, so that an
 * event whose bytes are not valid UTF-8 (its text then holds U+FFFD where they were) can be stored
 * as its exact bytes and replayed byte for byte. An event without U+FFFD is its bytes' exact
 * decoding, so the common case costs one scan and a byte count per event.
 */
export class EventByteLedger {
  #chunks: Buffer[] = [];
  /** Bytes of `#chunks[0]` already given to earlier events. */
  #offset = 0;

  /** Decoded (no longer compressed) bytes, in the order the framer gets their text. */
  push(chunk: Buffer): void {
    if (chunk.length > 0) this.#chunks.push(chunk);
  }

  /**
   * The exact bytes of the next event, whose text is `raw`, when `raw` is not their faithful
   * decoding; undefined otherwise. `last`: the stream's trailing event, which owns every byte left.
   */
  take(raw: string, last: boolean): Buffer | undefined {
    if (!raw.includes(REPLACEMENT)) {
      this.#skip(Buffer.byteLength(raw, 'utf8'));
      return undefined;
    }
    const bytes = last ? this.#takeAll() : this.#take(this.#lengthOf(raw.length));
    // A literal U+FFFD is valid UTF-8 and needs no bytes of its own.
    return isUtf8(bytes) ? undefined : bytes;
  }

  clear(): void {
    this.#chunks = [];
    this.#offset = 0;
  }

  #skip(n: number): void {
    let left = n;
    while (left > 0 && this.#chunks.length > 0) {
      const head = this.#chunks[0] as Buffer;
      const available = head.length - this.#offset;
      if (left < available) {
        this.#offset += left;
        return;
      }
      left -= available;
      this.#chunks.shift();
      this.#offset = 0;
    }
  }

  #take(n: number): Buffer {
    const parts: Buffer[] = [];
    let left = n;
    while (left > 0 && this.#chunks.length > 0) {
      const head = this.#chunks[0] as Buffer;
      const piece = head.subarray(this.#offset, this.#offset + left);
      parts.push(piece);
      left -= piece.length;
      this.#offset += piece.length;
      if (this.#offset === head.length) {
        this.#chunks.shift();
        this.#offset = 0;
      }
    }
    return Buffer.concat(parts);
  }

  #takeAll(): Buffer {
    const first = this.#chunks[0];
    const parts = first ? [first.subarray(this.#offset), ...this.#chunks.slice(1)] : [];
    this.clear();
    return Buffer.concat(parts);
  }

  /**
   * How many bytes from the read position decode to `units` UTF-16 code units, walking the WHATWG
   * UTF-8 decoder (the one TextDecoder runs): each invalid sequence is one U+FFFD, and the byte
   * that showed it invalid starts the next character.
   */
  #lengthOf(units: number): number {
    let emitted = 0;
    let length = 0;
    let needed = 0;
    let seen = 0;
    let codePoint = 0;
    let lower = 0x80;
    let upper = 0xbf;
    let offset = this.#offset;
    for (const chunk of this.#chunks) {
      for (let i = offset; i < chunk.length; i++) {
        const b = chunk[i] as number;
        if (needed === 0) {
          if (b <= 0x7f) emitted++;
          else if (b >= 0xc2 && b <= 0xdf) [needed, codePoint] = [1, b & 0x1f];
          else if (b >= 0xe0 && b <= 0xef) {
            if (b === 0xe0) lower = 0xa0;
            if (b === 0xed) upper = 0x9f;
            [needed, codePoint] = [2, b & 0x0f];
          } else if (b >= 0xf0 && b <= 0xf4) {
            if (b === 0xf0) lower = 0x90;
            if (b === 0xf4) upper = 0x8f;
            [needed, codePoint] = [3, b & 0x07];
          } else emitted++;
        } else if (b < lower || b > upper) {
          [needed, seen, codePoint, lower, upper] = [0, 0, 0, 0x80, 0xbf];
          emitted++;
          // This byte is not part of the bad sequence: it is read again as a character of its own.
          if (emitted >= units) return length + (i - offset);
          i--;
          continue;
        } else {
          [lower, upper] = [0x80, 0xbf];
          codePoint = (codePoint << 6) | (b & 0x3f);
          if (++seen === needed) {
            emitted += codePoint > 0xffff ? 2 : 1;
            [needed, seen, codePoint] = [0, 0, 0];
          }
        }
        if (emitted >= units) return length + (i - offset) + 1;
      }
      length += chunk.length - offset;
      offset = 0;
    }
    return length;
  }
}
