// One shape for everything jetvm finds about a plan, a VM or the machine: a refusal of a host change, a check
// before a VM starts, a preflight item. Pages show them with one list (components/ui/finding-list.tsx).

/** 'ok' only where a page lists what passed too (preflight). */
export type Severity = 'ok' | 'info' | 'warning' | 'error';

export interface Finding {
  /** stable id of the rule: "platform-in-group", "not-on-vfio", "memlock" */
  code: string;
  severity: Severity;
  /** what it is about, when that is not the message's own first words: a device, a facility ("IOMMU groups") */
  subject?: string;
  /** what was found, in plain words */
  message: string;
  /** how to make it right, when there is a way */
  fix?: string | null;
  /** why it matters, where the page explains that */
  why?: string;
}

export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2, ok: 3 };

/** The worst severity among the findings ('ok' for none). */
export function worstSeverity(findings: readonly Finding[]): Severity {
  return findings.reduce<Severity>((worst, f) => (SEVERITY_RANK[f.severity] < SEVERITY_RANK[worst] ? f.severity : worst), 'ok');
}
