/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // the custom server (server/main.ts) serves everything; `npm test` runs tsc over the whole tree
  typescript: { ignoreBuildErrors: true },
  devIndicators: false,
  serverExternalPackages: ['better-sqlite3', 'node-pty'],
};

export default nextConfig;
