/** Puts text on the clipboard. Its own module so that a Copy button does not pull xterm.js into a page. */
export async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  // plain-HTTP pages have no async clipboard: the old way still works from a user gesture
  const area = document.createElement('textarea');
  area.value = text;
  document.body.appendChild(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}
