'use client';
import { useEffect, useState } from 'react';

/**
 * A moment in the viewer's locale and time zone. The server's HTML has it in UTC (ISO 8601) and the
 * browser replaces it once mounted: formatting with a locale on the server would load ICU's date data
 * into the dashboard's memory for good (~8 MiB RSS) and show the server's time zone, not the viewer's.
 * `at`: what Date takes (milliseconds or a date string).
 */
export function LocalTime({ at, show = 'date-time' }: { at: number | string; show?: 'date-time' | 'time' }) {
  const date = new Date(at);
  const iso = Number.isNaN(date.getTime()) ? null : date.toISOString();
  const [text, setText] = useState(() => (!iso ? String(at) : show === 'time' ? `${iso.slice(11, 19)} UTC` : `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`));
  useEffect(() => {
    if (iso) setText(show === 'time' ? new Date(iso).toLocaleTimeString() : new Date(iso).toLocaleString());
  }, [iso, show]);
  return <time dateTime={iso ?? undefined}>{text}</time>;
}
