// The screens' assets: every file under public/ is read once at start and served from memory.
// Only files found at start can be served, so no request path ever reaches the file system.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

export class StaticFiles {
  private constructor(private readonly assets: Map<string, Asset>) {}

  static async load(root: string): Promise<StaticFiles> {
    const assets = new Map<string, Asset>();
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (entry.isFile()) {
          const type = contentTypes[extname(entry.name)];
          if (!type) continue;
          const body = await readFile(full);
          const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
          assets.set(`/${relative(root, full).split(sep).join('/')}`, { body, type, etag });
        }
      }
    };
    await walk(root);
    return new StaticFiles(assets);
  }

  has(pathname: string): boolean {
    return this.assets.has(pathname);
  }

  /** Serves a known asset; returns false when the path is not one. `/` is the app shell. */
  serve(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
    const asset = this.assets.get(pathname === '/' ? '/index.html' : pathname);
    if (!asset) return false;
    // Revalidate every time (cheap 304s): a gateway update must reach phones at the next page load.
    const headers = { 'content-type': asset.type, etag: asset.etag, 'cache-control': 'no-cache' };
    if (req.headers['if-none-match'] === asset.etag) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    res.writeHead(200, { ...headers, 'content-length': asset.body.length });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
    return true;
  }
}
