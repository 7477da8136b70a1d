export { Connection, type ConnectionOptions, type ReplyHandler } from './connection.js';
export { dialSocket, type DialTarget } from './dial.js';
export { handshake, type HandshakeOptions } from './handshake.js';
