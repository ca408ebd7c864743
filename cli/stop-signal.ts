// Listen before announcing readiness: until a listener exists, a SIGTERM from whoever read the announcement
// (a supervisor, a test, systemd) kills the process outright, with no clean stop.
export function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}
