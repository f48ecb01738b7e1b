/** The most procedure calls one tRPC batch may carry: the server refuses more (400), the client splits at this size. */
export const TRPC_MAX_BATCH = 16;
