'use client';
import type { ComponentProps } from 'react';
import { EnsureProviders } from '@/components/providers';
import { ChangeDialog } from './change-dialog';

/** The dialog as change-buttons.tsx loads it: with React Query and tRPC when the page has none (the overview). */
export function ChangeDialogIsland(props: ComponentProps<typeof ChangeDialog>) {
  return (
    <EnsureProviders>
      <ChangeDialog {...props} />
    </EnsureProviders>
  );
}
