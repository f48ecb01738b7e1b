'use client';
import type { OverlayView as OverlayData } from '@/server/passthrough/service';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Mono } from '@/components/ui/facts';

function Code({ children, testId }: { children: string; testId?: string }) {
  return (
    <pre className="overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100" data-testid={testId}>
      {children}
    </pre>
  );
}

function DtcCheck({ check }: { check: OverlayData['check'] }) {
  if (!check.dtcPresent)
    return (
      <p className="text-sm text-amber-800" data-testid="dtc-check" data-state="unchecked">
        ▲ Not checked: dtc is not installed on this machine (<Mono>sudo apt-get install device-tree-compiler</Mono>). Compile it on the Jetson as shown below.
      </p>
    );
  if (!check.ok)
    return (
      <div className="text-sm text-red-800" data-testid="dtc-check" data-state="failed">
        <p>✖ dtc {check.dtcVersion} rejects it:</p>
        <Code>{check.stderr}</Code>
      </div>
    );
  return (
    <p className="text-sm text-green-800" data-testid="dtc-check" data-state="ok">
      ✔ Compiles with dtc {check.dtcVersion}
      {check.dtboBytes !== null && ` (${check.dtboBytes} bytes of .dtbo)`}
      {check.effectChecked
        ? ', and fdtoverlay applying it to a tree with these controllers leaves their `iommus` empty.'
        : '; fdtoverlay is not installed, so its effect was not checked.'}
    </p>
  );
}

/** The generated overlay, dtc's verdict on it, and NVIDIA L4T's way to install it. */
export function OverlayDetails({ overlay }: { overlay: OverlayData }) {
  return (
    <div className="space-y-4">
      <Card testId="overlay-source">
        <CardHeader
          title="The overlay"
          sub={`Takes ${overlay.labels.map((l) => '&' + l).join(', ')} out of its IOMMU group: its root port and the card behind it get a group of their own.`}
          aside={overlay.labels.map((l) => (
            <Badge key={l}>{l}</Badge>
          ))}
        />
        <CardBody>
          <Code testId="overlay-dts">{overlay.source}</Code>
          <DtcCheck check={overlay.check} />
          <details className="text-sm">
            <summary className="cursor-pointer select-none text-slate-700">Rebuilding the base device tree from source instead (Yocto, Ghaf, kernel tree)?</summary>
            <p className="mt-1 text-slate-600">Put this in the base tree: there /delete-property/ works (in a .dtbo it compiles to nothing).</p>
            <Code>{overlay.baseTreePatch}</Code>
          </details>
        </CardBody>
      </Card>
      <Card testId="overlay-install">
        <CardHeader title="Install it on the Jetson (L4T)" sub="As root on the Jetson; jetvm never reboots a real machine." />
        <CardBody>
          <ol className="space-y-3">
            {overlay.installSteps.map((s, i) => (
              <li key={s.title} className="text-sm">
                <p className="font-medium">
                  {i + 1}. {s.title}
                </p>
                <p className="text-slate-700">{s.detail}</p>
                {s.commands.length > 0 && <Code>{s.commands.join('\n')}</Code>}
              </li>
            ))}
          </ol>
          <p className="text-sm text-slate-700">
            Kernel argument the Orin needs as well: <Mono>{overlay.kernelArgument}</Mono>
          </p>
        </CardBody>
      </Card>
    </div>
  );
}
