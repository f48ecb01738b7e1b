import type { OverviewView } from '@/server/overview/overview';
import { Notice } from '@/components/ui/notice';

/** Simulated Orin or the real kernel: a person must always know which one they are changing. */
export function HostBanner({ view }: { view: OverviewView }) {
  const sim = view.mode === 'sim';
  return (
    <div className="space-y-2">
      <Notice tone={sim ? 'info' : 'warn'} testId="host-mode">
        {sim ? (
          <>
            <strong>Simulated {view.isOrin ? 'Jetson AGX Orin' : 'host'}</strong>
            {view.simCard && (
              <>
                {' '}
                (started with <code>JETVM_SIM_CARD={view.simCard}</code>)
              </>
            )}
            : nothing here touches real hardware.
          </>
        ) : (
          <>
            <strong>Real host</strong> ({view.board.name}, kernel {view.host.kernelRelease ?? 'unknown'}): changes reach the kernel.
          </>
        )}
      </Notice>
      {view.warnings.length > 0 && (
        <Notice tone="warn" title={`The scan found ${view.warnings.length} problem${view.warnings.length > 1 ? 's' : ''}`} testId="scan-warnings">
          <ul className="mt-1 list-disc pl-5 text-xs">
            {view.warnings.map((w, i) => (
              <li key={i}>
                {w.device && <strong>{w.device}: </strong>}
                {w.message} <span className="text-amber-700">({w.path})</span>
              </li>
            ))}
          </ul>
        </Notice>
      )}
    </div>
  );
}
