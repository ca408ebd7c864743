// A route table: method + path pattern (":name" segments) + which roles may call it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Role, Session } from './auth/sessions.ts';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  session: Session;
  /** The parsed JSON body (already size- and type-checked); `{}` when empty. */
  body: unknown;
}

export type Reply =
  | { status?: number; json: unknown }
  | { status?: number; svg: string }
  /** A complete, script-free HTML document (a printable report), framable by the screens only. */
  | { status?: number; html: string }
  /** A file to save (CSV, XLSX, JSON): sent with Content-Disposition attachment. */
  | { status?: number; attachment: Attachment }
  /** The handler wrote the response itself (event streams). */
  | { handled: true };

export interface Attachment {
  body: string | Uint8Array;
  contentType: string;
  /** Offered file name; only [A-Za-z0-9._-] characters. */
  filename: string;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  roles: readonly Role[];
  handler(ctx: RouteContext): Promise<Reply> | Reply;
}

interface CompiledRoute extends Route {
  segments: string[];
}

export type Match =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'method_not_allowed'; allowed: string[] }
  | { kind: 'not_found' };

export class Router {
  private readonly routes: CompiledRoute[] = [];

  add(...routes: Route[]): this {
    for (const route of routes) this.routes.push({ ...route, segments: route.path.split('/').slice(1) });
    return this;
  }

  list(): readonly Route[] {
    return this.routes;
  }

  match(method: string, pathname: string): Match {
    const parts = pathname.split('/').slice(1);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.method === method) return { kind: 'found', route, params };
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: 'method_not_allowed', allowed } : { kind: 'not_found' };
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i] as string;
    const got = parts[i] as string;
    if (want.startsWith(':')) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(got);
      } catch {
        return undefined;
      }
      if (decoded === '') return undefined;
      params[want.slice(1)] = decoded;
    } else if (want !== got) {
      return undefined;
    }
  }
  return params;
}
