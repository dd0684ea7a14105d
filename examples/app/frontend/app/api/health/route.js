// The ALB health-checks every target group at the same path (/api/health) on
// the target's own port, so the frontend answers it too. Browser requests to
// /api/* never get here: the ALB listener rules send them to the backend.
export const dynamic = 'force-dynamic';

export function GET() {
  return Response.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
}
