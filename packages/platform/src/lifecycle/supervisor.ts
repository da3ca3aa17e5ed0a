// A service started by a supervisor that opened an IPC channel to it (the `npm start` launcher
// does) tells it when it listens, and stops when the channel closes: the supervisor is gone, so
// nobody is left to stop this process. Started any other way (node, Docker), none of this applies.

/** What a service sends its supervisor once it listens. */
interface ListeningMessage {
  type: 'listening';
  port: number;
}

export function notifySupervisorListening(port: number): void {
  if (!process.send || !process.connected) return;
  const message: ListeningMessage = { type: 'listening', port };
  process.send(message);
}

/** Calls `stop` when the supervisor's channel closes (it exited, crashed or was killed). */
export function stopWhenSupervisorGoes(stop: () => void): void {
  if (!process.send) return;
  if (!process.connected) {
    stop();
    return;
  }
  process.once('disconnect', stop);
  // The channel must not keep the process alive by itself once the server has closed.
  process.channel?.unref();
}
