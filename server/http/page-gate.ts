/** Paths that answer without a session: the login page and the static assets it needs. */
export function isPublicPath(pathname: string): boolean {
  return (
    pathname === '/login' ||
    pathname.startsWith('/_next/static/') ||
    pathname === '/favicon.ico' ||
    pathname === '/api/trpc/auth.login' ||
    pathname === '/api/trpc/auth.me'
  );
}
