import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A short plain-text answer (errors of the download routes); returns true, "handled". */
export function answerText(res: ServerResponse, status: number, text: string): true {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${text}\n`);
  return true;
}

/**
 * Sends a file as a download, as big as it is when the request came in (logs keep growing while
 * they are sent); `missing` is the 404 text when it does not exist.
 */
export function sendDownload(req: IncomingMessage, res: ServerResponse, file: string, filename: string, missing: string): true {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return answerText(res, 404, missing);
  }
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Disposition': `attachment; filename="${filename}"`,
    'Content-Length': String(size),
    'Cache-Control': 'no-store',
  });
  if (req.method === 'HEAD' || size === 0) return res.end(), true;
  fs.createReadStream(file, { start: 0, end: size - 1 }).on('error', () => res.destroy()).pipe(res);
  return true;
}
