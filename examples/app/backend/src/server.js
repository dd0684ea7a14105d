import { build } from './app.js';

const port = Number.parseInt(process.env.PORT ?? '3001', 10);
const host = process.env.HOST ?? '0.0.0.0';

const app = build({
  logger: { level: process.env.LOG_LEVEL ?? 'info' },
  // ALB idle timeout is 60s by default; keep sockets open a little longer so
  // the ALB, not the task, closes idle keep-alive connections.
  keepAliveTimeout: 65_000,
});

// ECS stops a task with SIGTERM, then SIGKILL after the stop timeout (30s by
// default). Stop accepting connections and let in-flight requests finish.
let closing = false;
async function shutdown(signal) {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, 'shutting down');
  try {
    await app.close();
    process.exit(0);
  } catch (err) {
    app.log.error(err, 'error during shutdown');
    process.exit(1);
  }
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

try {
  await app.listen({ port, host });
} catch (err) {
  app.log.error(err);
  process.exit(1);
}
