// The headers every response of the window carries, in serve mode and from
// Electron's app:// protocol alike, so the page runs under one policy wherever
// it is shown. The CSP allows what the bundle needs and nothing else: scripts,
// workers and connections from the page's own origin (no inline script, no
// eval), inline styles (Monaco and React set style attributes), data: images
// and fonts (Monaco's codicons), and no framing, <base>, forms or plugins.
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');

/**
 * How long a response may be kept. Assets have content hashes in their names (Vite), so a
 * changed file is a new URL: they are immutable. The page itself and every refusal are
 * checked each time (a rebuilt UI or a new session must show at once). `private`: they are
 * served to a session, never to a shared cache.
 */
export type UiCaching = 'immutable' | 'revalidate' | 'none';

const CACHE_CONTROL: Record<UiCaching, string> = {
  immutable: 'private, max-age=31536000, immutable',
  revalidate: 'private, no-cache',
  none: 'no-store',
};

export function uiHeaders(caching: UiCaching): Record<string, string> {
  return {
    'Content-Security-Policy': UI_CSP,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    // Another origin may neither embed our files (no-cors <script>/<img>) nor keep a handle on our window.
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': CACHE_CONTROL[caching],
  };
}
