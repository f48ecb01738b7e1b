'use client';
import { useEffect, useState } from 'react';

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/** Passwords and console keystrokes cross the LAN in clear text over plain HTTP: say so. */
export function PlainHttpWarning() {
  const [show, setShow] = useState(false);
  useEffect(() => {
    setShow(window.location.protocol === 'http:' && !LOOPBACK.test(window.location.hostname));
  }, []);
  if (!show) return null;
  return (
    <div role="alert" className="bg-amber-500 px-4 py-1 text-center text-sm text-black">
      This dashboard is served over plain HTTP to a network address: passwords and console input travel unencrypted. Start jetvm with
      TLS (see the README).
    </div>
  );
}
