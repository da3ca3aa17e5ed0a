/**
 * Pauses processes with SIGSTOP and goes on with SIGCONT, remembering which are paused so that a
 * test's cleanup (`resumeAll`, in afterEach) never leaves one stopped after a failure.
 */
export function pauser(): { pause: (service: { pid: number }) => void; resume: (pid: number) => void; resumeAll: () => void } {
  const paused = new Set<number>();
  const resume = (pid: number): void => {
    process.kill(pid, 'SIGCONT');
    paused.delete(pid);
  };
  return {
    pause(service) {
      process.kill(service.pid, 'SIGSTOP');
      paused.add(service.pid);
    },
    resume,
    resumeAll() {
      for (const pid of paused) resume(pid);
    },
  };
}
