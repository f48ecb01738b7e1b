'use client';
import { useParams } from 'next/navigation';
import { VmDetail } from '@/components/vm/vm-detail';

export default function VmPage() {
  const { name } = useParams<{ name: string }>();
  return <VmDetail name={decodeURIComponent(name)} />;
}
