/**
 * The page's status line: one aria-live region that screen readers announce
 * politely, for progress and for errors alike (errors are styled apart).
 */
let region: HTMLElement | null = null;

export function setStatusRegion(element: HTMLElement): void {
  region = element;
}

export function announce(text: string, kind: 'info' | 'error' = 'info'): void {
  if (!region) return;
  region.textContent = text;
  region.dataset.kind = kind;
}

/** The message of anything thrown, for a person to read. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
