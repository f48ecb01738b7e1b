'use client';
import { useParams } from 'next/navigation';
import { OverlayForDevice } from '@/components/passthrough/overlay-for-device';

export default function DeviceOverlayPage() {
  const params = useParams<{ address: string }>();
  return <OverlayForDevice address={decodeURIComponent(params.address ?? '')} />;
}
