// The kader, through the HTTP API as her phone is: logs in, registers a child, starts a session, and at the mat
// lays the baby down and pushes the foot board (the physics), again after every locked reading, then saves.
import { birthDateForAge, waitFor } from '../integration/helpers.ts';
import type { MatPhysics } from './emulated-mat.ts';

export type Api = <T>(method: string, path: string, body?: unknown) => Promise<{ status: number; json: T }>;

/** A JSON client keeping the login cookie. */
export function apiClient(baseUrl: () => string): Api {
  let cookie = '';
  return async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) cookie = setCookie.split(';')[0] ?? '';
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : undefined) as T };
  };
}

export async function registerChild(api: Api, name: string, ageMonths: number): Promise<string> {
  const child = await api<{ id: string }>('POST', '/api/children', {
    name,
    sex: 2,
    birth_date: birthDateForAge(ageMonths),
    mother_name: `Ibu ${name}`,
  });
  if (child.status !== 201) throw new Error(`register ${name}: ${JSON.stringify(child.json)}`);
  return child.json.id;
}

export interface SavedViaApi {
  measurement: { id: string; lenhei_cm: number; readings: { channel: string; value: number }[] };
}

export async function measureAsKader(api: Api, physics: MatPhysics, childId: string): Promise<SavedViaApi> {
  const session = await api<{ session_id: string }>('POST', '/api/sessions', { child_id: childId });
  if (session.status !== 201) throw new Error(`start session: ${JSON.stringify(session.json)}`);
  const sessionId = session.json.session_id;
  physics.measure();
  let readingsSeen = 0;
  await waitFor(
    'the readings to complete',
    async () => {
      const state = (
        await api<{ phase: string; length: { readings: unknown[] } }>('GET', `/api/sessions/${sessionId}`)
      ).json;
      if (state.phase === 'complete') return true;
      if (state.length.readings.length > readingsSeen) {
        readingsSeen = state.length.readings.length;
        physics.measure(); // pull the board back and push it again: the next independent reading
      }
      return undefined;
    },
    90_000,
  );
  const saved = await api<SavedViaApi>('POST', `/api/sessions/${sessionId}/save`, {});
  if (saved.status !== 201) throw new Error(`save: ${JSON.stringify(saved.json)}`);
  physics.clear();
  return saved.json;
}
