// Derived from the team's peer-bench (../shared/peer-bench, not in this repo): same workloads and method.
// A tiny RESP2 client used only by the harness (INFO snapshots, key setup, sanity
// checks), so that what the harness measures never depends on a client under test.
import net from 'node:net';

export class ControlClient {
  #socket;
  #buffer = Buffer.alloc(0);
  #waiting = [];

  static connect(host, port) {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ host, port }, () => {
        socket.off('error', reject);
        resolve(new ControlClient(socket));
      });
      socket.once('error', reject);
    });
  }

  constructor(socket) {
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.#onData(chunk));
    socket.on('error', (err) => {
      for (const w of this.#waiting.splice(0)) w.reject(err);
    });
  }

  #onData(chunk) {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    let offset = 0;
    for (;;) {
      const parsed = parseReply(this.#buffer, offset);
      if (!parsed) break;
      offset = parsed.next;
      const waiter = this.#waiting.shift();
      if (parsed.value instanceof Error) waiter?.reject(parsed.value);
      else waiter?.resolve(parsed.value);
    }
    this.#buffer = this.#buffer.subarray(offset);
  }

  /** Sends one command; resolves with its reply (strings for bulk/simple strings). */
  cmd(...args) {
    const parts = [Buffer.from(`*${args.length}\r\n`)];
    for (const arg of args) {
      const b = Buffer.isBuffer(arg) ? arg : Buffer.from(String(arg));
      parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
    }
    this.#socket.write(Buffer.concat(parts));
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  async info(section) {
    const text = String(await (section ? this.cmd('INFO', section) : this.cmd('INFO')));
    const out = {};
    for (const line of text.split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
    }
    return out;
  }

  close() {
    this.#socket.destroy();
  }
}

/** Parses one RESP2 reply at `offset`; null when the buffer does not hold all of it yet. */
function parseReply(buf, offset) {
  if (offset >= buf.length) return null;
  const eol = buf.indexOf('\r\n', offset);
  if (eol < 0) return null;
  const type = buf[offset];
  const line = buf.toString('utf8', offset + 1, eol);
  const next = eol + 2;
  switch (type) {
    case 0x2b: // +
      return { value: line, next };
    case 0x2d: // -
      return { value: new Error(line), next };
    case 0x3a: // :
      return { value: Number(line), next };
    case 0x24: {
      // $
      const len = Number(line);
      if (len < 0) return { value: null, next };
      if (buf.length < next + len + 2) return null;
      return { value: buf.toString('utf8', next, next + len), next: next + len + 2 };
    }
    case 0x2a: {
      // *
      const len = Number(line);
      if (len < 0) return { value: null, next };
      const items = [];
      let at = next;
      for (let i = 0; i < len; i++) {
        const item = parseReply(buf, at);
        if (!item) return null;
        items.push(item.value);
        at = item.next;
      }
      return { value: items, next: at };
    }
    default:
      throw new Error(`control client: unexpected RESP type byte 0x${type.toString(16)}`);
  }
}
