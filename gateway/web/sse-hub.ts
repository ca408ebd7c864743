// Live updates to the screens by Server-Sent Events: one long response per open screen.
import type { ServerResponse } from 'node:http';
import type { Role } from './auth/sessions.ts';

export interface LiveEvent {
  /** Event name the screen listens for, e.g. `reading`, `saved`, `today`. */
  type: string;
  data: unknown;
}

interface Client {
  res: ServerResponse;
  role: Role;
  sessionToken: string;
}

export interface SseHubOptions {
  /** Comment lines keep idle connections open through phones' and proxies' timeouts. Default 15 s. */
  heartbeatMs?: number;
  /**
   * Asked at every heartbeat whether the stream's login is still valid (an open screen counts as use);
   * a stream whose login has ended is closed.
   */
  sessionAlive?: (sessionToken: string) => boolean;
  /** Open streams per login; a further one closes that login's oldest (a reloaded page). Default 4. */
  maxPerSession?: number;
  /** Open streams in all; a further one is refused. Default 100 (a posyandu has a handful of phones). */
  maxTotal?: number;
}

export class SseHub {
  private readonly clients = new Set<Client>();
  private readonly heartbeat: NodeJS.Timeout;
  private nextEventId = 1;
  private readonly maxPerSession: number;
  private readonly maxTotal: number;

  constructor(options: SseHubOptions = {}) {
    this.maxPerSession = options.maxPerSession ?? 4;
    this.maxTotal = options.maxTotal ?? 100;
    const alive = options.sessionAlive ?? (() => true);
    this.heartbeat = setInterval(() => {
      for (const client of this.clients) {
        if (alive(client.sessionToken)) client.res.write(': ping\n\n');
        else client.res.end();
      }
    }, options.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /**
   * Takes over a response as an event stream until the client goes away; false (response untouched) when
   * the gateway already holds its maximum of streams.
   */
  attach(res: ServerResponse, role: Role, sessionToken: string, hello: LiveEvent[]): boolean {
    const own = [...this.clients].filter((client) => client.sessionToken === sessionToken);
    for (const oldest of own.slice(0, Math.max(0, own.length - this.maxPerSession + 1))) {
      this.clients.delete(oldest);
      oldest.res.end();
    }
    if (this.clients.size >= this.maxTotal) return false;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // Tell the browser to reconnect quickly after a gateway restart.
    res.write('retry: 1000\n\n');
    const client: Client = { res, role, sessionToken };
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
    for (const event of hello) this.write(client, event);
    return true;
  }

  /** Sends to every open screen, or only to those whose role is listed. */
  broadcast(event: LiveEvent, onlyRoles?: readonly Role[]): void {
    for (const client of this.clients) {
      if (!onlyRoles || onlyRoles.includes(client.role)) this.write(client, event);
    }
  }

  /** Ends the streams of one login (after logout). */
  closeSession(sessionToken: string): void {
    for (const client of this.clients) if (client.sessionToken === sessionToken) client.res.end();
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const client of this.clients) client.res.end();
    this.clients.clear();
  }

  private write(client: Client, event: LiveEvent): void {
    // JSON never contains a raw newline, so one data line per event is enough.
    client.res.write(
      `id: ${this.nextEventId++}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`,
    );
  }
}
