import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { connection } from 'next/server';
import './globals.css';

export const metadata: Metadata = {
  title: 'jetvm',
  description: 'PCIe passthrough dashboard for the NVIDIA Jetson AGX Orin',
};

/**
 * Every page renders per request (connection()): Next then stamps its inline scripts with the
 * request's CSP nonce (server/http/security-headers.ts), and no page is a prerendered file a shared
 * cache could keep. React Query and tRPC's client come with the pages that use them
 * (app/(dash)/(live)/layout.tsx, the login page), not with the overview (app/(dash)/page.tsx).
 */
export default async function RootLayout({ children }: { children: ReactNode }) {
  await connection();
  return (
    <html lang="en">
      <body>
        {children}
      </body>
    </html>
  );
}
