import * as net from 'node:net';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '::ffff:127.0.0.1']);

/** True for loopback host names and addresses. */
export function isLoopbackHost(host: string | undefined): boolean {
  return host === undefined || LOOPBACK_HOSTS.has(host) || /^127\./.test(host);
}

/**
 * Makes any outbound TCP connection to a non-loopback host throw, so a test, bench or drill can never
 * reach a real AWS endpoint, whatever the SDK resolves. Returns a function that removes the guard.
 */
export function installLoopbackGuard(): () => void {
  const original = net.Socket.prototype.connect;
  // Node's connect takes (options | port, host?, cb?) or an internal normalised array: read the host from each form.
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]): net.Socket {
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    let host: string | undefined;
    let path: string | undefined;
    if (typeof first === 'object' && first !== null) {
      host = (first as { host?: string }).host;
      path = (first as { path?: string }).path;
    } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
      host = typeof args[1] === 'string' ? args[1] : undefined;
    } else if (typeof first === 'string') {
      path = first;
    }
    if (path === undefined && !isLoopbackHost(host)) {
      throw new Error(`loopback guard: refusing to connect to non-loopback host '${host}'`);
    }
    return (original as (...connectArgs: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
  return () => {
    net.Socket.prototype.connect = original;
  };
}
