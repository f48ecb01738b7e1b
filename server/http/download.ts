import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';

/** A short plain-text answer (errors of the download routes); returns true, "handled". */
export function answerText(res: ServerResponse, status: number, text: string): true {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${text}\n`);
  return true;
}

interface Part {
  fd: number;
  size: number;
}

function openPart(file: string): Part | null {
  try {
    const fd = fs.openSync(file, 'r');
    return { fd, size: fs.fstatSync(fd).size };
  } catch {
    return null;
  }
}

async function sendParts(res: ServerResponse, parts: Part[]): Promise<void> {
  try {
    for (const p of parts) {
      if (p.size === 0) continue;
      await pipeline(fs.createReadStream('', { fd: p.fd, start: 0, end: p.size - 1, autoClose: false }), res, { end: false });
    }
    res.end();
  } catch {
    res.destroy();
  }
}

/**
 * Sends a file (or several, one after the other: a log and its rotated segment) as a download, as
 * big as it is when the request came in (logs keep growing while they are sent). The files are
 * opened at once, so a rotation during the download changes nothing; missing ones are skipped, and
 * `missing` is the 404 text when none exists.
 */
export function sendDownload(req: IncomingMessage, res: ServerResponse, file: string | readonly string[], filename: string, missing: string): true {
  const parts = (typeof file === 'string' ? [file] : file).map(openPart).filter((p): p is Part => p !== null);
  if (parts.length === 0) return answerText(res, 404, missing);
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Disposition': `attachment; filename="${filename}"`,
    'Content-Length': String(parts.reduce((n, p) => n + p.size, 0)),
    'Cache-Control': 'no-store',
  });
  void sendParts(res, req.method === 'HEAD' ? [] : parts).finally(() => parts.forEach((p) => fs.close(p.fd, () => undefined)));
  return true;
}
