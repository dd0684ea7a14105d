'use client';

import { useEffect, useState } from 'react';

// Relative URL on purpose: behind CloudFront and the ALB, /api/* is routed to
// the backend service on the same origin, so no CORS and no backend hostname.
export default function Hello() {
  const [state, setState] = useState({ status: 'loading' });

  useEffect(() => {
    const controller = new AbortController();
    fetch('/api/hello', { signal: controller.signal, headers: { accept: 'application/json' } })
      .then((res) => {
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        return res.json();
      })
      .then((data) => setState({ status: 'ok', data }))
      .catch((err) => {
        if (err.name !== 'AbortError') setState({ status: 'error', error: err.message });
      });
    return () => controller.abort();
  }, []);

  if (state.status === 'loading') return <p>Loading…</p>;
  if (state.status === 'error') return <p role="alert">Backend unavailable: {state.error}</p>;
  return (
    <p>
      <strong>{state.data.message}</strong> (backend version {state.data.version})
    </p>
  );
}
