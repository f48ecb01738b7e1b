import type { DeviceState } from '@/server/overview/device-state';
import { Badge } from '@/components/ui/badge';
import type { Tone } from '@/components/ui/tone';

const TONE: Record<DeviceState['kind'], Tone> = { vm: 'info', vfio: 'ok', host: 'neutral', none: 'unknown', bridge: 'neutral' };

export function StateBadge({ state }: { state: DeviceState }) {
  return (
    <Badge tone={TONE[state.kind]} testId="device-state">
      {state.label}
    </Badge>
  );
}
