// npm run bench:boot-uefi — the UEFI demo guest (AAVMF → GRUB → kernel, TCG): ms from the start request
// to the kernel's EFI stub, to the shell prompt and to the first answer on its forwarded port; beside the
// same kernel and initramfs booted with -kernel (the reference: what firmware and boot loader add).
// Median of BENCH_RUNS (default 3).
import fs from 'node:fs';
import { ensureDemoEfiVm, DEMO_EFI_VM } from '../server/vm/demo-efi';
import { imageDir } from '../server/vm/disks';
import { demoVmInput, guestHttpAnswer, makeHarness, waitForText } from '../server/vm/testing/harness';

const RUNS = Number(process.env.BENCH_RUNS || 3);
const actor = { actor: 'bench', remote: null };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const h = await makeHarness();
  const sup = h.supervisor();
  const demo = await ensureDemoEfiVm(h.db, h.dataDir, h.guest, [imageDir(h.dataDir)]);
  if (!demo.vm) throw new Error(demo.message);
  sup.repo.update(DEMO_EFI_VM, { accel: 'tcg' });
  const port = demo.vm.network!.forwards[0].hostPort;
  sup.repo.create({ ...demoVmInput(h.guest, 'kernel-boot'), devices: [] });
  const rows: Record<string, number[]> = { 'EFI stub': [], 'shell prompt': [], 'HTTP answer': [], '-kernel: shell prompt': [] };
  const since = (t0: number) => performance.now() - t0;
  try {
    for (let i = 0; i < RUNS; i++) {
      const log = sup.paths(DEMO_EFI_VM).consoleLog;
      let offset = fs.existsSync(log) ? fs.statSync(log).size : 0;
      let t0 = performance.now();
      await sup.start(DEMO_EFI_VM, actor);
      await waitForText(log, 'EFI stub: Booting Linux Kernel', 120_000, offset);
      rows['EFI stub'].push(since(t0));
      await waitForText(log, `root@${DEMO_EFI_VM}:/# `, 120_000, offset);
      rows['shell prompt'].push(since(t0));
      await guestHttpAnswer(port, 120_000);
      rows['HTTP answer'].push(since(t0));
      await sup.forceStop(DEMO_EFI_VM, actor);

      const klog = sup.paths('kernel-boot').consoleLog;
      offset = fs.existsSync(klog) ? fs.statSync(klog).size : 0;
      t0 = performance.now();
      await sup.start('kernel-boot', actor);
      await waitForText(klog, 'root@demo:/# ', 120_000, offset);
      rows['-kernel: shell prompt'].push(since(t0));
      await sup.forceStop('kernel-boot', actor);
      process.stderr.write(`run ${i + 1}/${RUNS} done\n`);
    }
  } finally {
    for (const s of sup.list()) if (s.pid) await sup.forceStop(s.name, actor).catch(() => undefined);
    h.cleanup();
  }
  console.log(`UEFI boot benchmark: demo-efi, TCG QEMU ${h.caps.version ?? '?'}, -cpu cortex-a72, 256 MiB, 1 vCPU; median of ${RUNS} runs (ms from start request)`);
  for (const [mark, xs] of Object.entries(rows)) console.log(`${mark.padEnd(24)}${median(xs).toFixed(0).padStart(8)}`);
  const extra = median(rows['shell prompt']) - median(rows['-kernel: shell prompt']);
  console.log(`${'firmware + GRUB add'.padEnd(24)}${extra.toFixed(0).padStart(8)}  (reference: the same kernel and initramfs with -kernel)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
