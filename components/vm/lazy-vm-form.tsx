'use client';
import dynamic from 'next/dynamic';
import { Loading } from '@/components/ui/page-state';

/** The VM form, downloaded only when someone opens "New VM" or "Edit": most visits to a VM page only look. */
export const LazyVmForm = dynamic(() => import('./vm-form').then((m) => m.VmForm), { loading: () => <Loading what="the VM form" /> });
