'use client';
import { useState } from 'react';
import { CardPowerForm } from './card-power-form';
import { useServerAction } from './use-server-action';

/** Admin only, for a card with a figure: enter a different one, or forget the one entered here. */
export function PowerControls(props: { vendorDevice: string; watts: number | null; userFigure: boolean; builtinWatts: number | null }) {
  const [editing, setEditing] = useState(false);
  const clear = useServerAction((trpc) => trpc.power.clearCardWatts.mutate({ vendorDevice: props.vendorDevice }));
  return (
    <div className="mt-2 flex flex-wrap items-center gap-3 text-xs">
      {!editing && (
        <button className="underline underline-offset-2" onClick={() => setEditing(true)}>
          Enter a different figure
        </button>
      )}
      {props.userFigure && (
        <button className="underline underline-offset-2" disabled={clear.pending} onClick={() => clear.start()}>
          Forget my figure{props.builtinWatts !== null ? ` (use the table's ${props.builtinWatts} W)` : ''}
        </button>
      )}
      {editing && <CardPowerForm vendorDevice={props.vendorDevice} initialWatts={props.watts} onDone={() => setEditing(false)} />}
    </div>
  );
}
