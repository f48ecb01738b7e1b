import type { Finding } from '@/common/finding';
import { Badge } from '@/components/ui/badge';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { FindingList } from '@/components/ui/finding-list';

/** What a start would check now (groups complete and on vfio-pci, BAR fit, /dev/vfio, memlock, KVM, claims). */
export function VmChecks({ checks }: { checks: Finding[] }) {
  const errors = checks.filter((c) => c.severity === 'error').length;
  return (
    <Card testId="vm-checks">
      <CardHeader
        title="Checks before start"
        sub="what Start checks first, as things stand now"
        aside={<Badge tone={errors ? 'bad' : 'ok'} testId="vm-checks-verdict">{errors ? `${errors} ${errors === 1 ? 'problem blocks' : 'problems block'} a start` : 'ready to start'}</Badge>}
      />
      <CardBody>
        {checks.length === 0 ? <p className="text-sm text-slate-600">Nothing to report.</p> : <FindingList findings={checks} testIdPrefix="check" />}
      </CardBody>
    </Card>
  );
}
