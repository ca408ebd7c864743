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
}

export class SseHub {
  private readonly clients = new Set<Client>();
  private readonly heartbeat: NodeJS.Timeout;
  private nextEventId = 1;

  constructor(options: SseHubOptions = {}) {
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

  /** Takes over a response as an event stream until the client goes away. */
  attach(res: ServerResponse, role: Role, sessionToken: string, hello: LiveEvent[]): void {
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
