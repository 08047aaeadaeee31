/** Bytes of one block: a large body is copied into blocks as it comes, not joined at its end. */
const BLOCK_BYTES = 1024 * 1024;

/**
 * A large answer's decoded body, copied chunk by chunk into blocks of its own memory as it
 * arrives, so the blocks can be moved (transferred) to the thread that finishes the answer
 * without joining tens of MiB on the event loop at the end. The chunks themselves may share their
 * memory with other buffers (the socket's), so they are never moved.
 */
export class ByteBlocks {
  readonly #full: Uint8Array[] = [];
  #block = new Uint8Array(BLOCK_BYTES);
  #used = 0;
  #bytes = 0;

  write(chunk: Uint8Array): void {
    this.#bytes += chunk.byteLength;
    let from = 0;
    while (from < chunk.byteLength) {
      const n = Math.min(chunk.byteLength - from, BLOCK_BYTES - this.#used);
      this.#block.set(chunk.subarray(from, from + n), this.#used);
      this.#used += n;
      from += n;
      if (this.#used === BLOCK_BYTES) {
        this.#full.push(this.#block);
        this.#block = new Uint8Array(BLOCK_BYTES);
        this.#used = 0;
      }
    }
  }

  /** How many bytes were written. */
  get byteLength(): number {
    return this.#bytes;
  }

  /** The blocks, the last one cut to what it holds; each owns its memory (to be transferred). */
  blocks(): Uint8Array[] {
    return this.#used > 0 ? [...this.#full, this.#block.subarray(0, this.#used)] : [...this.#full];
  }
}
