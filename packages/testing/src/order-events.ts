import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChannelModel, type ConsumeMessage, connect } from 'amqplib';

/** The RabbitMQ the tests use: RABBITMQ_TEST_URL, else the local one with the default account. */
export const TEST_RABBITMQ_URL = process.env.RABBITMQ_TEST_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** Whether a broker answers at TEST_RABBITMQ_URL (an AMQP connection opens within 3 s). */
export async function brokerAnswers(url = TEST_RABBITMQ_URL): Promise<boolean> {
  try {
    const model = await connect(url, { timeout: 3000 });
    await model.close();
    return true;
  } catch {
    return false;
  }
}

/** A name of its own for one test's exchange or queue, so runs sharing a broker never see each other's messages. */
export function uniqueBrokerName(prefix: string): string {
  return `${prefix}-${process.pid}-${randomUUID().slice(0, 8)}`;
}

/** One message as a consumer received it. */
export interface ReceivedMessage {
  messageId: string | undefined;
  routingKey: string;
  type: string | undefined;
  persistent: boolean;
  contentType: string | undefined;
  redelivered: boolean;
  body: Record<string, unknown>;
}

/**
 * A queue bound to every routing key of a topic exchange, consumed into `messages` as they
 * arrive. Durable (and kept until `close`), so that it keeps what was published while a test had
 * the broker stopped; the consumer reconnects by itself after such a stop.
 */
export class BoundQueue {
  readonly messages: ReceivedMessage[] = [];
  #model: ChannelModel | undefined;
  #closed = false;

  private constructor(
    readonly exchange: string,
    readonly queue: string,
    private readonly url: string,
  ) {}

  static async open(exchange: string, url = TEST_RABBITMQ_URL): Promise<BoundQueue> {
    const bound = new BoundQueue(exchange, uniqueBrokerName('test-queue'), url);
    await bound.#connect();
    return bound;
  }

  /** The message ids in the order they first arrived, duplicates dropped (as a consumer dedupes). */
  firstDeliveries(): ReceivedMessage[] {
    const seen = new Set<string>();
    return this.messages.filter((message) => {
      const id = message.messageId ?? '';
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
  }

  async #connect(): Promise<void> {
    const model = await connect(this.url, { timeout: 3000 });
    model.on('error', () => undefined);
    model.on('close', () => {
      if (this.#model === model) this.#model = undefined;
      if (!this.#closed) void this.#reconnect();
    });
    const channel = await model.createChannel();
    channel.on('error', () => undefined);
    // The exchange is declared as the relay declares it, so the binding holds before the service starts.
    await channel.assertExchange(this.exchange, 'topic', { durable: true });
    await channel.assertQueue(this.queue, { durable: true, autoDelete: false });
    await channel.bindQueue(this.queue, this.exchange, '#');
    await channel.consume(this.queue, (message: ConsumeMessage | null) => {
      if (!message) return;
      this.messages.push({
        messageId: message.properties.messageId,
        routingKey: message.fields.routingKey,
        type: message.properties.type,
        persistent: message.properties.deliveryMode === 2,
        contentType: message.properties.contentType,
        redelivered: message.fields.redelivered,
        body: JSON.parse(message.content.toString('utf8')) as Record<string, unknown>,
      });
      channel.ack(message);
    });
    this.#model = model;
  }

  async #reconnect(): Promise<void> {
    while (!this.#closed && !this.#model) {
      try {
        await this.#connect();
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  /** Deletes the queue and the exchange, and closes the connection. */
  async close(): Promise<void> {
    this.#closed = true;
    const model = this.#model ?? (await connect(this.url, { timeout: 3000 }).catch(() => undefined));
    if (!model) return;
    try {
      const channel = await model.createChannel();
      await channel.deleteQueue(this.queue);
      await channel.deleteExchange(this.exchange);
    } finally {
      await model.close().catch(() => undefined);
    }
  }
}

/** Runs `rabbitmqctl` (root, or a user allowed to manage the local node); throws with its output when it fails. */
export function rabbitmqctl(...args: string[]): Promise<string> {
  const command = ['/usr/sbin/rabbitmqctl', '/usr/lib/rabbitmq/bin/rabbitmqctl'].find((path) => existsSync(path)) ?? 'rabbitmqctl';
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`rabbitmqctl ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Whether this process may stop and start the local broker's application (a stop/start test needs it). */
export async function canControlBroker(): Promise<boolean> {
  try {
    await rabbitmqctl('status');
    return true;
  } catch {
    return false;
  }
}

const LOCK_DIR = join(tmpdir(), 'order-system-rabbitmq-locks');
const EXCLUSIVE = join(LOCK_DIR, 'exclusive');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function exclusiveHeld(): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(EXCLUSIVE, 'pid'), 'utf8'));
  } catch {
    // Being taken (no pid written yet) or being given up.
    return existsSync(EXCLUSIVE);
  }
  if (pid > 0 && !alive(pid)) {
    rmSync(EXCLUSIVE, { recursive: true, force: true });
    return false;
  }
  return true;
}

function sharedHolders(): string[] {
  return readdirSync(LOCK_DIR).filter((name) => {
    if (!name.startsWith('shared-')) return false;
    const pid = Number(name.split('-')[1]);
    if (alive(pid)) return true;
    rmSync(join(LOCK_DIR, name), { force: true });
    return false;
  });
}

/**
 * A lock on the local broker among the test processes of one machine: tests that use the broker
 * hold it shared (they run at once); a test that stops the broker holds it exclusive, so that no
 * other test loses its broker in the middle. A holder that died is ignored. Returns the release.
 */
export async function lockBroker(mode: 'shared' | 'exclusive'): Promise<() => void> {
  mkdirSync(LOCK_DIR, { recursive: true });
  if (mode === 'shared') {
    const mine = join(LOCK_DIR, `shared-${process.pid}-${randomUUID()}`);
    for (;;) {
      if (!exclusiveHeld()) {
        writeFileSync(mine, '');
        if (!exclusiveHeld()) return () => rmSync(mine, { force: true });
        rmSync(mine, { force: true });
      }
      await pause(200);
    }
  }
  for (;;) {
    try {
      mkdirSync(EXCLUSIVE);
      writeFileSync(join(EXCLUSIVE, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      exclusiveHeld();
      await pause(200);
    }
  }
  while (sharedHolders().length > 0) await pause(200);
  return () => rmSync(EXCLUSIVE, { recursive: true, force: true });
}

/**
 * A TCP gate in front of the broker: while open it forwards connections byte for byte; closed, it
 * refuses new connections and cuts the open ones, as a broker that went away. `url` is the
 * broker's URL (credentials, vhost) with the gate's address.
 */
export interface TcpGate {
  url: string;
  port: number;
  open(): void;
  close(): void;
  stop(): Promise<void>;
}

export async function startTcpGate(targetUrl = TEST_RABBITMQ_URL): Promise<TcpGate> {
  const parsed = new URL(targetUrl);
  const target = { host: parsed.hostname, port: Number(parsed.port || 5672) };
  let isOpen = true;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (!isOpen) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target);
    sockets.add(client);
    sockets.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    port,
    open: () => {
      isOpen = true;
    },
    close: () => {
      isOpen = false;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** One Server-Sent Events message: a comment line alone is a heartbeat. */
export interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  heartbeat?: true;
}

/** An open Server-Sent Events answer, read message by message. */
export interface EventStream {
  status: number;
  headers: Headers;
  /** The JSON body of an answer that is not a stream (an error). */
  body?: unknown;
  /** The next message; rejects when none comes within `timeoutMs` or the stream ended. */
  next(timeoutMs?: number): Promise<SseMessage>;
  /** Resolves when the server ended the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens `url` as an EventSource would (GET, Accept: text/event-stream) and parses what arrives. */
export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<EventStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, signal: abort.signal });
  if (!(res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    const text = await res.text();
    const body = (res.headers.get('content-type') ?? '').includes('json') ? (JSON.parse(text) as unknown) : text;
    return {
      status: res.status,
      headers: res.headers,
      body,
      next: () => Promise.reject(new Error('not a stream')),
      ended: Promise.resolve(),
      close: () => undefined,
    };
  }
  const queue: SseMessage[] = [];
  const waiters: (() => void)[] = [];
  let done = false;
  const wakeAll = () => {
    for (const wake of waiters.splice(0)) wake();
  };
  const ended = (async () => {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done: finished } = await reader.read();
        if (finished) break;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const message = parseSseBlock(block);
          if (message) queue.push(message);
          end = buffer.indexOf('\n\n');
        }
        wakeAll();
      }
    } catch {
      // Aborted by the test, or the connection was cut.
    } finally {
      done = true;
      wakeAll();
    }
  })();
  return {
    status: res.status,
    headers: res.headers,
    ended,
    close: () => abort.abort(),
    async next(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (queue.length === 0) {
        if (done) throw new Error('the stream ended');
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no message within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return queue.shift() as SseMessage;
    },
  };
}

function parseSseBlock(block: string): SseMessage | undefined {
  const message: SseMessage = {};
  let fields = 0;
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      if (fields === 0) message.heartbeat = true;
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    fields += 1;
    if (name === 'id') message.id = value;
    else if (name === 'event') message.event = value;
    else if (name === 'data') message.data = message.data === undefined ? value : `${message.data}\n${value}`;
  }
  // A block of only `retry:` says nothing to the reader.
  if (message.heartbeat || message.data !== undefined) return message;
  return undefined;
}
