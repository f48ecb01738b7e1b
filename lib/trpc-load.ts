// No tRPC code here: a page whose first load must stay light (the overview) gets the client only
// when something first needs it (a click, the live-update stream after the page is on screen).
export const loadTrpc = () => import('./trpc-vanilla').then((m) => m.vanillaTrpc());
