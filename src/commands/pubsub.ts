/** Publishing and pub/sub introspection. Subscribing is the client's (dedicated connections). */
import type { RedisArg } from '../resp/types.js';
import type { Command } from './command.js';
import { NONE, READONLY, pushValues, type KeyOrKeys } from './arguments.js';
import { toNumberRecord, toStringArray } from './decoders.js';

/** `PUBLISH`: how many subscribers received the message (on this node). */
export function publish(channel: RedisArg, message: RedisArg): Command<number> {
  return { args: ['PUBLISH', channel, message], decode: undefined, flags: NONE };
}

/** `SPUBLISH`: publishes to a shard channel (routed by the channel's slot in a cluster). */
export function sPublish(shardChannel: RedisArg, message: RedisArg): Command<number> {
  return { args: ['SPUBLISH', shardChannel, message], decode: undefined, flags: NONE, keys: [shardChannel] };
}

/** `PUBSUB CHANNELS [pattern]`: channels with at least one subscriber. */
export function pubsubChannels(pattern?: string): Command<string[]> {
  const args: RedisArg[] = ['PUBSUB', 'CHANNELS'];
  if (pattern !== undefined) args.push(pattern);
  return { args, decode: toStringArray, flags: READONLY };
}

/** `PUBSUB NUMSUB channels`: subscriber count per channel. */
export function pubsubNumSub(channels: KeyOrKeys): Command<Record<string, number>> {
  const args: RedisArg[] = ['PUBSUB', 'NUMSUB'];
  pushValues(args, channels, 'pubsubNumSub channels');
  return { args, decode: toNumberRecord, flags: READONLY };
}

/** `PUBSUB NUMPAT`: how many pattern subscriptions exist. */
export function pubsubNumPat(): Command<number> {
  return { args: ['PUBSUB', 'NUMPAT'], decode: undefined, flags: READONLY };
}

export function pubsubShardChannels(pattern?: string): Command<string[]> {
  const args: RedisArg[] = ['PUBSUB', 'SHARDCHANNELS'];
  if (pattern !== undefined) args.push(pattern);
  return { args, decode: toStringArray, flags: READONLY };
}

export function pubsubShardNumSub(shardChannels: KeyOrKeys): Command<Record<string, number>> {
  const args: RedisArg[] = ['PUBSUB', 'SHARDNUMSUB'];
  pushValues(args, shardChannels, 'pubsubShardNumSub shardChannels');
  return { args, decode: toNumberRecord, flags: READONLY };
}
