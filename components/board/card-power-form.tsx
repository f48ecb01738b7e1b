'use client';
import { useState, type FormEvent } from 'react';
import { errorText } from '@/common/errors';
import { useServerAction } from './use-server-action';

/** Admin only: store the card's maximum board power (it overrides the built-in table for this vendor:device). */
export function CardPowerForm({ vendorDevice, initialWatts, onDone }: { vendorDevice: string; initialWatts: number | null; onDone?: () => void }) {
  const [watts, setWatts] = useState(initialWatts === null ? '' : String(initialWatts));
  const [note, setNote] = useState('');
  const save = useServerAction((trpc) => trpc.power.setCardWatts.mutate({ vendorDevice, watts: Number(watts), note }), onDone);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.start();
  };
  return (
    <form onSubmit={submit} className="flex flex-wrap items-end gap-2" aria-label={`maximum power of ${vendorDevice}`}>
      <label className="text-sm">
        <span className="block text-slate-700">Maximum power (W)</span>
        <input
          type="number"
          inputMode="decimal"
          step="any"
          min={1}
          max={600}
          required
          className="mt-1 w-28 rounded border border-slate-300 px-2 py-1"
          value={watts}
          onChange={(e) => setWatts(e.target.value)}
        />
      </label>
      <label className="min-w-40 flex-1 text-sm">
        <span className="block text-slate-700">Source (optional)</span>
        <input
          className="mt-1 w-full rounded border border-slate-300 px-2 py-1"
          placeholder="datasheet, measurement…"
          maxLength={200}
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
      </label>
      <button type="submit" disabled={save.pending} className="rounded bg-slate-900 px-3 py-1.5 text-sm text-white hover:bg-slate-700 disabled:opacity-50">
        {save.pending ? 'Saving…' : 'Save'}
      </button>
      {save.error !== null && (
        <p role="alert" className="w-full text-sm text-red-700">
          {errorText(save.error)}
        </p>
      )}
    </form>
  );
}
