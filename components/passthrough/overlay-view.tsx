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

type Check = NonNullable<OverlayData['check']>;

function DtcCheck({ check, tree }: { check: Check; tree: string }) {
  if (!check.dtcVersion)
    return (
      <p className="text-sm text-amber-800" data-testid="dtc-check" data-state="unchecked">
        ▲ Not checked: dtc is not installed on this machine (<Mono>sudo apt-get install device-tree-compiler</Mono>). Compile it on the Jetson as shown below.
      </p>
    );
  if (!check.ok)
    return (
      <div className="text-sm text-red-800" data-testid="dtc-check" data-state={check.effectChecked ? 'failed' : 'unchecked'}>
        <p>✖ {check.effectChecked ? `Applied to ${tree} with fdtoverlay it fails:` : `dtc ${check.dtcVersion}:`}</p>
        <Code>{check.stderr}</Code>
      </div>
    );
  return (
    <p className="text-sm text-green-800" data-testid="dtc-check" data-state="ok">
      ✔ Compiles with dtc {check.dtcVersion}
      {check.dtboBytes !== null && ` (${check.dtboBytes} bytes of .dtbo)`}, and fdtoverlay applying it to {tree} leaves each controller&apos;s `iommus` empty and every other node
      and property unchanged.
    </p>
  );
}

/** The overlay derived from the booted tree, fdtoverlay's verdict on it against that tree, and NVIDIA L4T's way to install it. */
export function OverlayDetails({ overlay }: { overlay: OverlayData }) {
  return (
    <div className="space-y-4">
      <Card testId="overlay-source">
        <CardHeader
          title="The overlay"
          sub={`Derived from ${overlay.tree}${overlay.release ? ` (L4T ${overlay.release})` : ''}: each controller is named by its label when the tree has one, by its full path otherwise.`}
          aside={overlay.targets.map((t) => (
            <Badge key={t.platformDevice}>{t.ref}</Badge>
          ))}
        />
        <CardBody>
          {overlay.nothingToDo.length > 0 && (
            <ul className="list-disc pl-5 text-sm text-slate-700" data-testid="overlay-nothing-to-do">
              {overlay.nothingToDo.map((n) => (
                <li key={n.platformDevice}>
                  <Mono>{n.platformDevice}</Mono>: nothing to do — {n.reason}.
                </li>
              ))}
            </ul>
          )}
          {overlay.source && <Code testId="overlay-dts">{overlay.source}</Code>}
          {overlay.check && <DtcCheck check={overlay.check} tree={overlay.tree} />}
          {overlay.baseTreePatch && (
            <details className="text-sm">
              <summary className="cursor-pointer select-none text-slate-700">Rebuilding the base device tree from source instead (Yocto, Ghaf, kernel tree)?</summary>
              <p className="mt-1 text-slate-600">Put this in the base tree: there /delete-property/ works (in a .dtbo it compiles to nothing).</p>
              <Code>{overlay.baseTreePatch}</Code>
            </details>
          )}
        </CardBody>
      </Card>
      {overlay.installSteps.length > 0 && (
        <Card testId="overlay-install">
          <CardHeader title={`Install it on the Jetson (${overlay.release ? `L4T ${overlay.release}` : 'L4T'})`} sub="As root on the Jetson; jetvm never reboots a real machine." />
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
      )}
    </div>
  );
}
