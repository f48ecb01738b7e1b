// How Next's server components reach the Services that server/app.ts built, in the same process.
// Next compiles the pages into bundles of their own (.next/server), so a module-level variable in
// server/ would exist twice, once per module graph, and importing server code into a page would
// bundle a second copy of it; the process's globalThis is the one object both graphs share. The
// composition root (startApp, through server/http/pages-bridge.ts) sets this ONE key, and
// lib/trpc-server.tsx reads it. Instrumentation (instrumentation.ts) is no help: it runs in Next's
// graph and would have to build the services a second time.
export const PAGES_BRIDGE_KEY = Symbol.for('jetvm.pagesBridge');
