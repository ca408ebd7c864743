// Login sessions: random tokens held in memory, with an idle timeout and an absolute lifetime.
import { randomBytes } from 'node:crypto';

export const roles = ['kader', 'bidan', 'admin'] as const;
export type Role = (typeof roles)[number];

export interface Session {
  token: string;
  role: Role;
  createdAtMs: number;
  lastSeenAtMs: number;
}

export interface SessionOptions {
  /** Logged out after this long without a request. Default 2 h (a posyandu morning has pauses). */
  idleTimeoutMs?: number;
  /** Logged out this long after login whatever happens. Default 12 h. */
  maxAgeMs?: number;
  now?: () => number;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  readonly idleTimeoutMs: number;
  readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(options: SessionOptions = {}) {
    this.idleTimeoutMs = options.idleTimeoutMs ?? 2 * 60 * 60 * 1000;
    this.maxAgeMs = options.maxAgeMs ?? 12 * 60 * 60 * 1000;
    this.now = options.now ?? Date.now;
  }

  create(role: Role): Session {
    const nowMs = this.now();
    const session = {
      token: randomBytes(32).toString('base64url'),
      role,
      createdAtMs: nowMs,
      lastSeenAtMs: nowMs,
    };
    this.sessions.set(session.token, session);
    this.prune(nowMs);
    return session;
  }

  /** The live session for a token, refreshed; undefined when unknown or expired (and then forgotten). */
  touch(token: string | undefined): Session | undefined {
    if (!token) return undefined;
    const session = this.sessions.get(token);
    if (!session) return undefined;
    const nowMs = this.now();
    if (this.expired(session, nowMs)) {
      this.sessions.delete(token);
      return undefined;
    }
    session.lastSeenAtMs = nowMs;
    return session;
  }

  destroy(token: string): void {
    this.sessions.delete(token);
  }

  /** Ends every session of a role (its PIN changed); returns their tokens. */
  destroyRole(role: Role): string[] {
    const ended: string[] = [];
    for (const [token, session] of this.sessions) {
      if (session.role !== role) continue;
      this.sessions.delete(token);
      ended.push(token);
    }
    return ended;
  }

  private expired(session: Session, nowMs: number): boolean {
    return nowMs - session.lastSeenAtMs > this.idleTimeoutMs || nowMs - session.createdAtMs > this.maxAgeMs;
  }

  private prune(nowMs: number): void {
    for (const [token, session] of this.sessions)
      if (this.expired(session, nowMs)) this.sessions.delete(token);
  }
}
