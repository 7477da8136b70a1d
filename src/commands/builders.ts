// Every command builder, flat, for `import { commands } from 'respool'` (`commands.get('k')` → a Command).
export * from './strings.js';
export * from './keys.js';
export * from './hashes.js';
export * from './lists.js';
export * from './sets.js';
export * from './sorted-sets.js';
export * from './streams.js';
export * from './hyperloglog.js';
export * from './bitmaps.js';
export * from './geo.js';
export * from './scripting.js';
export * from './functions.js';
export * from './server.js';
export * from './pubsub.js';
