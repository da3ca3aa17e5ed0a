import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from '../logger.js';
import { createHttpServer } from './http-server.js';
import { notifySupervisorListening, stopWhenSupervisorGoes } from './supervisor.js';

export interface ServeOptions {
  app: Express;
  host: string;
  port: number;
  logger: Logger;
  shutdownTimeoutMs: number;
  /** Time a client has to send a whole request before it gets a 408 (REQUEST_TIMEOUT_MS). */
  requestTimeoutMs: number;
  /** Releases what the service holds (database handles, timers) after the last request. */
  onClose: () => Promise<void>;
}

/**
 * Listens, logs the bound port (`"msg":"listening"`, which the test harness reads; a supervisor
 * with an IPC channel is also told), and shuts down gracefully on SIGTERM/SIGINT (or when that
 * supervisor goes away): stop accepting, let in-flight
 * requests finish (at most shutdownTimeoutMs), release resources, exit.
 */
export async function serve(options: ServeOptions): Promise<Server> {
  const { app, host, port, logger } = options;
  const server = createHttpServer(app, { logger, requestTimeoutMs: options.requestTimeoutMs });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.keepAliveTimeout = 65_000;
  const address = server.address() as AddressInfo;

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.warn('requests still running at the shutdown deadline; closing their connections');
      server.closeAllConnections();
    }, options.shutdownTimeoutMs);
    force.unref();
    server.close(() => {
      options
        .onClose()
        .then(() => {
          logger.info('stopped');
          process.exit(0);
        })
        .catch((err: unknown) => {
          logger.error({ err }, 'error while stopping');
          process.exit(1);
        });
    });
    server.closeIdleConnections();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  // Only now: whoever reads this line may send SIGTERM at once, and before a handler is installed
  // the signal would kill the process without a graceful stop.
  logger.info({ port: address.port, host: address.address }, 'listening');
  stopWhenSupervisorGoes(() => stop('supervisor gone'));
  notifySupervisorListening(address.port);
  return server;
}
