// A stand-in dashboard for the adoption test: starts a VM with its own Supervisor, prints the pid,
// then idles until it is killed (kill -9 is the point).
import { openDb } from '../../db';
import { probeCaps } from '../caps';
import { Supervisor } from '../supervisor';
import { DeviceOwnership } from '../../devices/ownership';
import { guestPaths } from '../guest';
import { orinSnapshot } from './orin-snapshot';
import { onTheJetson } from './fixtures';
import { ChangeBus } from '../../events';

const [dataDir, vm] = process.argv.slice(2);
const db = openDb(dataDir);
const scan = () => orinSnapshot();
const caps = await probeCaps(process.env.JETVM_QEMU || 'qemu-system-aarch64');
const sup = new Supervisor({ db, dataDir, imageDirs: [guestPaths().dir], caps, jetsonCaps: onTheJetson(caps), scan, sim: true, events: new ChangeBus(), devices: new DeviceOwnership({ db, scan }) });
sup
  .start(vm, { actor: 'child', remote: null })
  .then((s) => process.stdout.write(`started ${s.pid}\n`))
  .catch((err) => {
    process.stdout.write(`error ${(err as Error).message}\n`);
    process.exit(1);
  });
setInterval(() => undefined, 60_000);
