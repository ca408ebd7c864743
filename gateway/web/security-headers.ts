// Headers on every response. All assets are served by the gateway itself, so the policy allows 'self' only:
// no inline script or style, no external origin, no framing. The screens may frame the gateway's own
// report pages, which get a policy of their own: inline style only, no script at all.
import type { ServerResponse } from 'node:http';

export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "frame-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * For the printable report documents (gateway/reports): their print stylesheet is inline, so inline style
 * is allowed; nothing else may load or run, and only the screens themselves may frame them.
 */
export const reportDocumentPolicy = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

/** Loosens the headers set by setSecurityHeaders for one report document. */
export function allowReportDocument(res: ServerResponse): void {
  res.setHeader('content-security-policy', reportDocumentPolicy);
  res.setHeader('x-frame-options', 'SAMEORIGIN');
}

export function setSecurityHeaders(res: ServerResponse, overTls: boolean): void {
  res.setHeader('content-security-policy', contentSecurityPolicy);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('cross-origin-opener-policy', 'same-origin');
  res.setHeader('cross-origin-resource-policy', 'same-origin');
  res.setHeader('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
  if (overTls) res.setHeader('strict-transport-security', 'max-age=31536000');
}
