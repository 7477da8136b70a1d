import type { RespValue } from './types.js';

export const KIND_ARRAY = 0;
export const KIND_PUSH = 1;
export const KIND_MAP = 2;
export const KIND_ATTRIBUTE = 4;

/**
 * An aggregate still being filled when its bytes ran out; the decoder resumes it with the next chunk.
 * Maps count keys and values as elements; attributes keep nothing. RESP3 sets are arrays.
 */
export class Frame {
  constructor(
    readonly kind: number,
    readonly count: number,
    public index: number,
    readonly items: RespValue[] | Map<RespValue, RespValue> | null,
    public key: RespValue,
  ) {}

  add(value: RespValue): void {
    const kind = this.kind;
    if (kind === KIND_ARRAY || kind === KIND_PUSH) (this.items as RespValue[])[this.index] = value;
    else if (kind === KIND_MAP) {
      if ((this.index & 1) === 0) this.key = value;
      else (this.items as Map<RespValue, RespValue>).set(this.key, value);
    }
    this.index++;
  }
}
