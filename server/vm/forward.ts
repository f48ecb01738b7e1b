import type { PortForward } from './types';

/** Where a port forward listens on the host: 127.0.0.1, unless it is opened to the LAN. */
export const listenAddress = (f: PortForward) => (f.lan ? '0.0.0.0' : '127.0.0.1');
