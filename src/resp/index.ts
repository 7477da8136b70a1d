export { RespDecoder, type RespDecoderOptions } from './decoder.js';
export { CommandEncoder, encodeCommand } from './encoder.js';
export type { RedisArg, RespValue } from './types.js';
