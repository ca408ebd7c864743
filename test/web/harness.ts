// Starts the real web server over the fake services on a free port, with known PINs, and a tiny client.
import { type Role, roles } from '../../gateway/web/auth/sessions.ts';
import { startWebServer, type WebServer, type WebServerOptions } from '../../gateway/web/server.ts';
import { tmpDir } from '../helpers/tmp-dir.ts';
import { createFakeServices, type FakeServices } from './fake-services.ts';

export const testPins: Record<Role, string> = { kader: '481620', bidan: '592731', admin: '603842' };

export interface Harness {
  server: WebServer;
  services: FakeServices;
  dataDir: string;
  login(role: Role): Promise<string>;
  call(
    method: string,
    path: string,
    options?: { cookie?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; json: unknown; headers: Headers; text: string }>;
  close(): Promise<void>;
}

export async function startHarness(extra: Partial<WebServerOptions> = {}): Promise<Harness> {
  const dir = await tmpDir('tikar-web-');
  const services = createFakeServices();
  const server = await startWebServer({
    services,
    host: '127.0.0.1',
    port: 0,
    dataDir: dir.path,
    pins: testPins,
    ...extra,
  });
  const call: Harness['call'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.cookie) headers.cookie = options.cookie;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${server.url}${path}`, { method, headers, body });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, headers: response.headers, text };
  };
  return {
    server,
    services,
    dataDir: dir.path,
    call,
    async login(role) {
      const response = await call('POST', '/api/login', { body: { role, pin: testPins[role] } });
      if (response.status !== 200) throw new Error(`login as ${role} failed: ${response.text}`);
      const setCookie = response.headers.get('set-cookie') ?? '';
      return setCookie.split(';')[0] as string;
    },
    async close() {
      await server.stop();
      await dir.cleanup();
    },
  };
}

export { roles };
