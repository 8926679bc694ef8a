/** Looking up the page's elements, failing loudly when the HTML and the code disagree. */
export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** Offer `blob` to the person as a download named `name`. */
export function download(blob: Blob, name: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  // Revoked a little later: the browser may still be reading it when click() returns.
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
