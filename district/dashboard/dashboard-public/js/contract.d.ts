// The dashboard's one door to the server's types (checked by `npm run typecheck`, tsconfig.web.json): the
// JSON of GET /api/overview is district/dashboard/queries.ts's Overview, so a change there fails the check
// where the page reads it. Types only: the dashboard never serves a .ts file.
import type { Overview, PlaceRow, Rate } from '../../queries.ts';

export type { Overview, PlaceRow, Rate };

/** An error answer of the dashboard's API (gateway/web/http.ts `sendError`). */
export interface ErrorBody {
  error: { code: string; message: string };
}

/** What a successful call of the dashboard's API answers, by path (district/dashboard/server.ts). */
export type DashboardAnswer<P extends string> = P extends `/api/overview?${string}`
  ? Overview
  : P extends '/api/login' | '/api/logout'
    ? { ok: true }
    : never;
