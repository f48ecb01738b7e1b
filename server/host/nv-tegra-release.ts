// /etc/nv_tegra_release: which L4T release a Jetson runs. The one parser for it: the machine facts
// (preflight, the VM checks) show its name, the overlay picks its install steps by its family.
// (scripts/install-jetson.sh reads the same line in sh, before there is any Node to run this.)
import { L4T_RELEASES, type L4tRelease } from '../devicetree/trees';

export interface NvTegraRelease {
  /** "R36.4.2" */
  name: string;
  /** 36 */
  major: number;
  /** "4.2" */
  revision: string;
  /** the release jetvm carries a devkit tree and install steps for ("r36"); null for another (R32, R34, …) */
  family: L4tRelease | null;
}

const FAMILIES: readonly string[] = L4T_RELEASES;

/** The file's first line, "# R36 (release), REVISION: 4.2, GCID: …, BOARD: …, EABI: …, DATE: …"; null when it does not open so. */
export function parseNvTegraRelease(text: string): NvTegraRelease | null {
  const m = /^# R(\d+) \(release\), REVISION: (\d+(?:\.\d+)*)/.exec(text);
  if (!m) return null;
  const [, major, revision] = m;
  const family = `r${major}`;
  return { name: `R${major}.${revision}`, major: Number(major), revision, family: FAMILIES.includes(family) ? (family as L4tRelease) : null };
}
