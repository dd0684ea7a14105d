import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PHASE_DEVELOPMENT_SERVER } from 'next/constants.js';

// This app lives inside a larger repository: pin the tracing/Turbopack root to
// this directory so .next/standalone/server.js is at the top of the output.
const root = path.dirname(fileURLToPath(import.meta.url));

export default function config(phase) {
  /** @type {import('next').NextConfig} */
  const nextConfig = {
    output: 'standalone',
    outputFileTracingRoot: root,
    turbopack: { root },
    poweredByHeader: false,
    reactStrictMode: true,
    // The build id names .next/static/<id>/, which is uploaded with a year's
    // immutable cache: build.sh passes the release (the image tag), so the
    // same release builds the same files and a new one never overwrites them.
    generateBuildId: async () => process.env.NEXT_BUILD_ID || null,
  };

  // In production the ALB (and CloudFront) route /api/* to the backend before
  // requests reach Next.js. Only `next dev` proxies them, to BACKEND_URL.
  if (phase === PHASE_DEVELOPMENT_SERVER) {
    const backend = process.env.BACKEND_URL || 'http://localhost:3001';
    nextConfig.rewrites = async () => [
      { source: '/api/hello', destination: `${backend}/api/hello` },
    ];
  }

  return nextConfig;
}
