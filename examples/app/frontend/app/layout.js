export const metadata = {
  title: 'kumo.platform sample app',
  description: 'Next.js frontend calling a Fastify backend through /api/*',
};

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', margin: '2rem' }}>{children}</body>
    </html>
  );
}
