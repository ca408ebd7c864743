// The dashboard's one door to the server's types (checked by `npm run typecheck`, tsconfig.web.json): the
// JSON of GET /api/overview is district/dashboard/queries.ts's Overview, so a change there fails the check
// where the screen reads it. Types only: the dashboard never serves a .ts file.
export type { Overview, PlaceRow, Rate } from '../../queries.ts';

/** An error answer of the dashboard's API (district/dashboard/server.ts). */
export interface ErrorBody {
  error: { code: string; message: string };
}

/** What a successful call of the dashboard's API answers, by path. */
export type DashboardAnswer<P extends string> = P extends `/api/overview?${string}`
  ? import('../../queries.ts').Overview
  : P extends '/api/login' | '/api/logout'
    ? { ok: true }
    : never;
