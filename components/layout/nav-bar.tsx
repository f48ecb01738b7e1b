'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { User } from '@/server/auth/users';
import { loadTrpc } from '@/lib/trpc-load';
import { NavBarLive } from './nav-bar-live';
import { PlainHttpWarning } from './plain-http-warning';

const LINKS: Array<{ href: string; label: string; admin?: boolean }> = [
  { href: '/', label: 'Overview' },
  { href: '/groups', label: 'IOMMU groups' },
  { href: '/overlay', label: 'DT overlay' },
  { href: '/preflight', label: 'Preflight' },
  { href: '/vms', label: 'VMs' },
  { href: '/shell', label: 'Host shell', admin: true },
  { href: '/users', label: 'Users', admin: true },
  { href: '/audit', label: 'Audit log', admin: true },
];

// a full page load, not a client navigation: drops cached data and closes live subscriptions
const logOut = () => void loadTrpc().then((trpc) => trpc.auth.logout.mutate()).finally(() => window.location.assign('/login'));

/** `me` comes from the server with the page (app/(dash)/layout.tsx), rendered again when the users change (NavBarLive). */
export function NavBar({ me }: { me: Pick<User, 'name' | 'role'> | null }) {
  const pathname = usePathname();
  return (
    <header className="bg-board text-slate-100">
      <div className="mx-auto flex max-w-7xl items-center gap-6 px-4 py-3">
        <Link href="/" className="font-semibold tracking-tight">
          jetvm
        </Link>
        <nav className="flex gap-4 text-sm">
          {LINKS.filter((l) => !l.admin || me?.role === 'admin').map((l) => (
            <Link
              key={l.href}
              href={l.href}
              className={pathname === l.href ? 'text-white underline underline-offset-4' : 'text-slate-300 hover:text-white'}
            >
              {l.label}
            </Link>
          ))}
        </nav>
        <div className="ml-auto flex items-center gap-3 text-sm">
          {me && (
            <Link href="/account" className="text-slate-300 hover:text-white" data-testid="whoami" title="Account and password">
              {me.name} ({me.role})
            </Link>
          )}
          <button className="rounded border border-slate-600 px-2 py-1 hover:bg-slate-700" onClick={logOut}>
            Log out
          </button>
        </div>
      </div>
      <PlainHttpWarning />
      <NavBarLive />
    </header>
  );
}
