// Links in command output open only when they are web links and the user agrees.

/** True for absolute http: and https: URLs; everything else (javascript:, file:, ...) is refused. */
export function isWebLink(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** What opening a link needs from the page, injected so tests need no window. */
export interface LinkOpener {
  confirm(message: string): boolean;
  open(url: string): void;
}

/** Opens a web link after confirmation; returns whether it was opened. */
export function openWebLink(uri: string, page: LinkOpener): boolean {
  if (!isWebLink(uri)) return false;
  if (!page.confirm(`Open this link in a new tab?\n\n${uri}`)) return false;
  page.open(uri);
  return true;
}
