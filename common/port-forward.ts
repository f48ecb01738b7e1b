// Isomorphic: the argv builder and the VM page say the same address.

/** Where a port forward listens on the host: 127.0.0.1, unless it is opened to the LAN. */
export const listenAddress = (f: { lan?: boolean }) => (f.lan ? '0.0.0.0' : '127.0.0.1');
