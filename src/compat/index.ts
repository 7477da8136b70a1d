// respool/compat: faces of a respool client shaped like the clients other libraries take.
export {
  toIORedis,
  IORedisFace,
  IORedisBatch,
  type IORedisScriptDefinition,
  type ToIORedisOptions,
} from './ioredis.js';
export { toNodeRedis, NodeRedisFace, NodeRedisMulti, type ToNodeRedisOptions } from './node-redis.js';
