import Fastify from 'fastify';

/**
 * Build the Fastify instance without listening, so tests can use app.inject().
 * @param {import('fastify').FastifyServerOptions} [opts]
 */
export function build(opts = {}) {
  const app = Fastify(opts);

  // ALB target group health check path (every 30s per target): not logged.
  app.get('/api/health', { logLevel: 'warn' }, async () => ({ status: 'ok' }));

  app.get('/api/hello', async () => ({
    message: 'hello from the backend',
    version: process.env.APP_VERSION || 'dev',
  }));

  return app;
}
