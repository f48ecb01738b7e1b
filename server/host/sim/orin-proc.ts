// The simulated Orin's /proc and /dev/kvm as jetvm's service sees them on the board: what
// server/host/machine-facts.ts reads in sim mode instead of the development machine's.
import type { Tree } from './tree';

/**
 * The devkit's extlinux.conf APPEND line as L4T flashes it, with the NVMe root of this simulation
 * (/proc/mounts). Written from L4T's stock extlinux.conf, not captured on the hardware.
 */
export const ORIN_CMDLINE =
  'root=/dev/nvme0n1p1 rw rootwait rootfstype=ext4 mminit_loglevel=4 console=ttyTCU0,115200 firmware_class.path=/etc/firmware fbcon=map:0 net.ifnames=0 nospectre_bhb video=efifb:off console=tty0';

/** 12 Cortex-A78AE cores (implementer 0x41, part 0xd42). */
const ORIN_CPUS = 12;
/** MemTotal of a 64 GB AGX Orin, about: firmware carve-outs take the rest. */
const ORIN_MEM_KIB = 64_335_836;

export function writeOrinProc(tree: Tree): void {
  tree.file('proc/sys/kernel/arch', 'aarch64\n');
  tree.file('proc/cmdline', `${ORIN_CMDLINE}\n`);
  tree.file(
    'proc/cpuinfo',
    Array.from({ length: ORIN_CPUS }, (_, i) => `processor\t: ${i}\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU part\t: 0xd42\n`).join('\n'),
  );
  tree.file('proc/meminfo', `MemTotal:       ${ORIN_MEM_KIB} kB\n`);
  // the service as packaging/jetson/jetvm.service.in runs it: root, LimitMEMLOCK=infinity
  tree.file('proc/self/limits', 'Limit                     Soft Limit           Hard Limit           Units     \nMax locked memory         unlimited            unlimited            bytes     \n');
  tree.file('proc/self/status', 'Name:\tnode\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nCapEff:\t000001ffffffffff\n');
  // the devkit kernel is built with KVM (CONFIG_KVM=y in L4T's defconfig)
  tree.file('dev/kvm', '');
}
