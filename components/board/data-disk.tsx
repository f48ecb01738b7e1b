import type { DiskSpace } from '@/server/disk-space';
import { Notice } from '@/components/ui/notice';

/** Free space in jetvm's data directory: a line while there is plenty, a warning before it runs out. */
export function DataDisk({ disk: d }: { disk: DiskSpace | null }) {
  if (!d) return null;
  if (d.state === 'ok') {
    return (
      <p className="text-xs text-slate-500" data-testid="data-disk">
        Data: {d.message}
      </p>
    );
  }
  return (
    <Notice tone={d.state === 'fail' ? 'bad' : 'warn'} alert testId="data-disk" title="Disk space for jetvm's data">
      {d.message}
    </Notice>
  );
}
