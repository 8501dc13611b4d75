// Path routing over the History API: /, /elections/:id, /elections/:id/commissions/:cid. Links
// are real <a href>, so they work with the keyboard, in a new tab, and after a reload (the server
// answers every page path with index.html).
import { signal } from '@preact/signals';

export type Route =
  | { readonly page: 'elections' }
  | { readonly page: 'commission'; readonly electionId: string; readonly commissionId: string | undefined }
  | { readonly page: 'not-found'; readonly path: string };

export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  if (parts.length === 0) return { page: 'elections' };
  if (parts[0] === 'elections' && parts.length === 2) return { page: 'commission', electionId: parts[1], commissionId: undefined };
  if (parts[0] === 'elections' && parts[2] === 'commissions' && parts.length === 4) return { page: 'commission', electionId: parts[1], commissionId: parts[3] };
  return { page: 'not-found', path: pathname };
}

export const route = signal<Route>(parseRoute(location.pathname));

export const electionHref = (electionId: string): string => `/elections/${encodeURIComponent(electionId)}`;
export const commissionHref = (electionId: string, commissionId: string): string =>
  `/elections/${encodeURIComponent(electionId)}/commissions/${encodeURIComponent(commissionId)}`;

export function navigate(href: string): void {
  if (href === location.pathname) return;
  history.pushState(null, '', href);
  route.value = parseRoute(location.pathname);
  // A new page starts at the top (the page moves focus to its heading itself).
  queueMicrotask(() => window.scrollTo(0, 0));
}

addEventListener('popstate', () => {
  route.value = parseRoute(location.pathname);
});

/** Click handler for in-app links: plain left clicks stay in the page; modified clicks open tabs as usual. */
export function onLinkClick(e: MouseEvent): void {
  const a = (e.currentTarget as HTMLElement).closest('a');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || a.target) return;
  e.preventDefault();
  navigate(a.getAttribute('href') ?? '/');
}
