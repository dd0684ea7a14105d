import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { build } from '../src/app.js';

const app = build();
after(() => app.close());

test('GET /api/health returns 200 {"status":"ok"}', async () => {
  const res = await app.inject({ method: 'GET', url: '/api/health' });
  assert.equal(res.statusCode, 200);
  assert.match(res.headers['content-type'], /^application\/json/);
  assert.deepEqual(res.json(), { status: 'ok' });
});

test('GET /api/hello returns a message and the version', async () => {
  const saved = process.env.APP_VERSION;
  try {
    delete process.env.APP_VERSION;
    let res = await app.inject({ method: 'GET', url: '/api/hello' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { message: 'hello from the backend', version: 'dev' });

    process.env.APP_VERSION = '1.2.3';
    res = await app.inject({ method: 'GET', url: '/api/hello' });
    assert.equal(res.json().version, '1.2.3');
  } finally {
    if (saved === undefined) delete process.env.APP_VERSION;
    else process.env.APP_VERSION = saved;
  }
});

test('unknown route returns 404', async () => {
  const res = await app.inject({ method: 'GET', url: '/api/nope' });
  assert.equal(res.statusCode, 404);
  assert.equal(res.json().statusCode, 404);
});

test('POST /api/health is not routed (404)', async () => {
  const res = await app.inject({ method: 'POST', url: '/api/health' });
  assert.equal(res.statusCode, 404);
});
