/** Geo commands (sorted sets of geohashed positions). Coordinates and distances come back as numbers. */
import type { RedisArg, RespValue } from '../resp/types.js';
import type { Command } from './command.js';
import {
  NONE,
  READONLY,
  checkOptions,
  checkShape,
  finite,
  integer,
  invalid,
  oneOf,
  optionKeys,
  pushValues,
  type KeyOrKeys,
} from './arguments.js';
import { asString, toArray, toNumber, toNumberOrNull } from './decoders.js';

export type GeoUnit = 'm' | 'km' | 'mi' | 'ft';
const UNITS: readonly GeoUnit[] = ['m', 'km', 'mi', 'ft'];

export interface GeoCoordinates {
  longitude: number;
  latitude: number;
}

export interface GeoMember extends GeoCoordinates {
  member: RedisArg;
}

/** Search centre: a member's position, or coordinates. */
export type GeoFrom = { member: RedisArg } | GeoCoordinates;

/** Search area: a circle, or a box centred on the origin. */
export type GeoBy = { radius: number; unit: GeoUnit } | { width: number; height: number; unit: GeoUnit };

export interface GeoSearchOptions {
  /** Nearest first (`'ASC'`) or farthest first. */
  sort?: 'ASC' | 'DESC';
  count?: number;
  /** With count: return as soon as enough matches are found (not necessarily the nearest). */
  any?: boolean;
}

export interface GeoSearchWithOptions extends GeoSearchOptions {
  withCoord?: boolean;
  withDist?: boolean;
  withHash?: boolean;
}

/** One GEOSEARCH match; the optional fields are present when asked for. */
export interface GeoSearchResult {
  member: string;
  /** In the search unit. */
  distance?: number;
  hash?: number;
  coordinates?: GeoCoordinates;
}

const GEOADD_OPTIONS = optionKeys([], ['nx', 'xx', 'ch']);
const MEMBER_KEYS = optionKeys(['member', 'longitude', 'latitude']);
const FROM_MEMBER_KEYS = optionKeys(['member']);
const FROM_COORDINATES_KEYS = optionKeys(['longitude', 'latitude']);
const BY_RADIUS_KEYS = optionKeys(['radius', 'unit']);
const BY_BOX_KEYS = optionKeys(['width', 'height', 'unit']);
const SEARCH_KEYS = ['sort', 'count'];
const SEARCH_FLAGS = ['any'];
const SEARCH_OPTIONS = optionKeys(SEARCH_KEYS, SEARCH_FLAGS);
const SEARCH_WITH_OPTIONS = optionKeys(SEARCH_KEYS, [...SEARCH_FLAGS, 'withCoord', 'withDist', 'withHash']);
const SEARCH_STORE_OPTIONS = optionKeys(SEARCH_KEYS, [...SEARCH_FLAGS, 'storeDist']);

/** `GEOADD`: how many members were added (or changed, with `ch`). */
export function geoAdd(
  key: RedisArg,
  members: GeoMember | readonly GeoMember[],
  options?: { nx?: boolean; xx?: boolean; ch?: boolean },
): Command<number> {
  checkOptions('geoAdd', options, GEOADD_OPTIONS);
  const args: RedisArg[] = ['GEOADD', key];
  if (options?.nx === true && options.xx === true) invalid('geoAdd options', 'not both nx and xx', options);
  if (options?.nx === true) args.push('NX');
  else if (options?.xx === true) args.push('XX');
  if (options?.ch === true) args.push('CH');
  const list: readonly GeoMember[] = Array.isArray(members) ? members : [members as GeoMember];
  if (list.length === 0) invalid('geoAdd members', 'a non-empty list', members);
  for (let i = 0; i < list.length; i++) {
    const m = list[i]!;
    if (m === null || typeof m !== 'object') invalid('geoAdd member', '{ member, longitude, latitude }', m);
    checkShape('geoAdd', m, MEMBER_KEYS, Array.isArray(members) ? `members[${i}]` : 'members');
    args.push(finite('geoAdd longitude', m.longitude), finite('geoAdd latitude', m.latitude), m.member);
  }
  return { args, decode: undefined, flags: NONE, keys: [key] };
}

/** `GEODIST`: the distance in `unit` (metres by default), or null when a member is missing. */
export function geoDist(key: RedisArg, member1: RedisArg, member2: RedisArg, unit?: GeoUnit): Command<number | null> {
  const args: RedisArg[] = ['GEODIST', key, member1, member2];
  if (unit !== undefined) args.push(oneOf('geoDist unit', unit, UNITS));
  return { args, decode: toNumberOrNull, flags: READONLY, keys: [key] };
}

/** `GEOPOS`: each member's coordinates, or null for a missing one. */
export function geoPos(key: RedisArg, members: KeyOrKeys): Command<(GeoCoordinates | null)[]> {
  const args: RedisArg[] = ['GEOPOS', key];
  pushValues(args, members, 'geoPos members');
  return { args, decode: decodePositions, flags: READONLY, keys: [key] };
}

/** `GEOHASH`: each member's 11-character geohash, or null. */
export function geoHash(key: RedisArg, members: KeyOrKeys): Command<(string | null)[]> {
  const args: RedisArg[] = ['GEOHASH', key];
  pushValues(args, members, 'geoHash members');
  return { args, decode: undefined, flags: READONLY, keys: [key] };
}

function pushSearch(
  args: RedisArg[],
  from: GeoFrom,
  by: GeoBy,
  options: GeoSearchOptions | undefined,
  name: string,
): void {
  if (from !== null && typeof from === 'object' && 'member' in from) {
    checkOptions(name, from, FROM_MEMBER_KEYS, 'from');
    args.push('FROMMEMBER', from.member);
  } else if (from !== null && typeof from === 'object' && 'longitude' in from) {
    checkOptions(name, from, FROM_COORDINATES_KEYS, 'from');
    args.push(
      'FROMLONLAT',
      finite(`${name} from.longitude`, from.longitude),
      finite(`${name} from.latitude`, from.latitude),
    );
  } else invalid(`${name} from`, '{ member } or { longitude, latitude }', from);
  if (by !== null && typeof by === 'object' && 'radius' in by) {
    checkOptions(name, by, BY_RADIUS_KEYS, 'by');
    args.push('BYRADIUS', finite(`${name} by.radius`, by.radius), oneOf(`${name} by.unit`, by.unit, UNITS));
  } else if (by !== null && typeof by === 'object' && 'width' in by) {
    checkOptions(name, by, BY_BOX_KEYS, 'by');
    args.push('BYBOX', finite(`${name} by.width`, by.width), finite(`${name} by.height`, by.height));
    args.push(oneOf(`${name} by.unit`, by.unit, UNITS));
  } else invalid(`${name} by`, '{ radius, unit } or { width, height, unit }', by);
  if (options === undefined) return;
  if (options.sort !== undefined) args.push(oneOf(`${name} options.sort`, options.sort, ['ASC', 'DESC']));
  if (options.count !== undefined) {
    args.push('COUNT', integer(`${name} options.count`, options.count, 1));
    if (options.any === true) args.push('ANY');
  } else if (options.any === true) invalid(`${name} options.any`, 'used with count', options.any);
}

/** `GEOSEARCH`: members within the area. */
export function geoSearch(key: RedisArg, from: GeoFrom, by: GeoBy, options?: GeoSearchOptions): Command<string[]> {
  checkOptions('geoSearch', options, SEARCH_OPTIONS);
  const args: RedisArg[] = ['GEOSEARCH', key];
  pushSearch(args, from, by, options, 'geoSearch');
  return { args, decode: undefined, flags: READONLY, keys: [key] };
}

/** `GEOSEARCH … WITHCOORD/WITHDIST/WITHHASH`: matches with the asked-for details. */
export function geoSearchWith(
  key: RedisArg,
  from: GeoFrom,
  by: GeoBy,
  options: GeoSearchWithOptions,
): Command<GeoSearchResult[]> {
  checkShape('geoSearchWith', options, SEARCH_WITH_OPTIONS, 'options');
  const args: RedisArg[] = ['GEOSEARCH', key];
  pushSearch(args, from, by, options, 'geoSearchWith');
  const before = args.length;
  if (options.withCoord === true) args.push('WITHCOORD');
  if (options.withDist === true) args.push('WITHDIST');
  if (options.withHash === true) args.push('WITHHASH');
  if (args.length === before)
    invalid('geoSearchWith options', 'at least one of withCoord, withDist, withHash', options);
  return { args, decode: decodeSearchResults, flags: READONLY, keys: [key] };
}

/** `GEOSEARCHSTORE`: stores the matches in `destination` (with distances as scores when `storeDist`); how many. */
export function geoSearchStore(
  destination: RedisArg,
  source: RedisArg,
  from: GeoFrom,
  by: GeoBy,
  options?: GeoSearchOptions & { storeDist?: boolean },
): Command<number> {
  checkOptions('geoSearchStore', options, SEARCH_STORE_OPTIONS);
  const args: RedisArg[] = ['GEOSEARCHSTORE', destination, source];
  pushSearch(args, from, by, options, 'geoSearchStore');
  if (options?.storeDist === true) args.push('STOREDIST');
  return { args, decode: undefined, flags: NONE, keys: [destination, source] };
}

function toCoordinates(value: RespValue): GeoCoordinates | null {
  if (value === null) return null;
  const pair = toArray(value);
  return { longitude: toNumber(pair[0] ?? null), latitude: toNumber(pair[1] ?? null) };
}

function decodePositions(reply: RespValue): (GeoCoordinates | null)[] {
  const list = toArray(reply);
  const out = new Array<GeoCoordinates | null>(list.length);
  for (let i = 0; i < list.length; i++) out[i] = toCoordinates(list[i] ?? null);
  return out;
}

/**
 * Each match is `[member, …extras]`; Redis adds distance (bulk string), hash (integer) and
 * coordinates (array) in that order, so each extra is recognised by its type.
 */
function decodeSearchResults(reply: RespValue): GeoSearchResult[] {
  const list = toArray(reply);
  const out = new Array<GeoSearchResult>(list.length);
  for (let i = 0; i < list.length; i++) {
    const row = toArray(list[i] ?? null);
    const result: GeoSearchResult = { member: asString(row[0] ?? '') };
    for (let j = 1; j < row.length; j++) {
      const extra = row[j] as RespValue;
      if (Array.isArray(extra)) result.coordinates = toCoordinates(extra)!;
      else if (typeof extra === 'number' || typeof extra === 'bigint') result.hash = Number(extra);
      else result.distance = toNumber(extra);
    }
    out[i] = result;
  }
  return out;
}
