// redis-parser (a dev dependency, CommonJS) ships no types; this covers what the codec tests use.
declare module 'redis-parser' {
  interface RedisParserOptions {
    returnReply: (reply: unknown) => void;
    returnError: (error: Error) => void;
    returnFatalError?: (error: Error) => void;
    returnBuffers?: boolean;
    stringNumbers?: boolean;
  }
  class RedisParser {
    constructor(options: RedisParserOptions);
    execute(chunk: Buffer): void;
    reset(): void;
  }
  export default RedisParser;
}
