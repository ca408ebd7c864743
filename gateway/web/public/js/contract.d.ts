// The screens' one door to the server's types (checked by `npm run typecheck`, tsconfig.web.json): every
// JSDoc type of public/js that describes the API comes from here, so a change of the contract
// (gateway/app/services.ts and the routes of gateway/web/) fails the check where a screen reads it.
// Types only: the gateway never serves a .ts file.
import type {
  CalibrationCheckResult,
  Child,
  ChildCorrection,
  ChildCorrectionBody,
  ChildIdentity,
  ChildMatch,
  ClockStatus,
  CorrectionInput,
  GatewayEvents,
  MatStatus,
  Measurement,
  MqttStatus,
  RegisterChildInput,
  SavedMeasurement,
  SessionState,
  StartSessionInput,
  StatusLabel,
} from '../../../model/index.ts';
import type { ChildAddress, VisitNote } from '../../../store/child-details.ts';
import type { TodayView } from '../../api/today-flags.ts';
import type { Role } from '../../auth/sessions.ts';
import type { ChartIndicator } from '../../chart/growth-chart.ts';

export type {
  ChartIndicator,
  Child,
  ChildAddress,
  ChildCorrection,
  ChildCorrectionBody,
  ChildIdentity,
  ChildMatch,
  ClockStatus,
  CorrectionInput,
  MatStatus,
  Measurement,
  RegisterChildInput,
  Role,
  SavedMeasurement,
  SessionState,
  StatusLabel,
  TodayView,
  VisitNote,
};
export type Lang = 'id' | 'en';
export type Severity = StatusLabel['severity'];

/** GET /api/status (gateway/web/api/routes.ts). */
export interface StatusView {
  posyandu_id: string;
  village_id: string;
  max_age_days: number;
  mats: MatStatus[];
  clock: ClockStatus;
  mqtt: MqttStatus;
}

/** GET /api/me and POST /api/login (gateway/web/server.ts). */
export interface MeView {
  role: Role;
  idle_timeout_s: number;
  posyandu_id: string;
}
export interface LoginView {
  role: Role;
  clock: ClockStatus;
}

/** The sasaran of a month (gateway/web/api/detail-routes.ts). */
export interface SasaranView {
  posyandu_id: string;
  month: string;
  balita: number | null;
}
type AddressFields = Omit<ChildAddress, 'child_id' | 'updated_at'>;
type VisitNoteFields = Omit<VisitNote, 'child_id' | 'updated_at'>;
type PhoneTime = { phone_time: string };
type Empty = Record<string, never>;

/**
 * Each route the screens call: `[answer, body]` by method and path (docs/api.md). The most specific path
 * comes first (`/api/children/${string}` would also match `…/measurements`). A path not listed here does
 * not type-check.
 */
type Routes<R extends string> = R extends 'GET /api/status'
  ? [StatusView, never]
  : R extends 'GET /api/me'
    ? [MeView, never]
    : R extends 'POST /api/login'
      ? [LoginView, { role: Role; pin: string; phone_time?: string }]
      : R extends 'POST /api/logout'
        ? [{ ok: true }, Empty]
        : R extends 'POST /api/admin/pins'
          ? [{ ok: true; role: Role }, { role: Role; pin: string }]
          : R extends 'POST /api/clock/phone' | 'POST /api/clock/confirm'
            ? [ClockStatus, PhoneTime]
            : R extends `POST /api/mats/${string}/calibration-check`
              ? [CalibrationCheckResult, { reference_mm: number }]
              : R extends `GET /api/children/same?${string}`
                ? [{ matches: Child[] }, never]
                : R extends `GET /api/children/${string}/measurements`
                  ? [{ measurements: Measurement[] }, never]
                  : R extends `GET /api/children/${string}/identity`
                    ? [ChildIdentity, never]
                    : R extends `POST /api/children/${string}/identity`
                      ? [ChildIdentity, ChildCorrectionBody]
                      : R extends `GET /api/children/${string}/address`
                        ? [{ address: ChildAddress | null }, never]
                        : R extends `PUT /api/children/${string}/address`
                          ? [{ address: AddressFields & { child_id: string } }, AddressFields]
                          : R extends `GET /api/children/${string}/visit-notes`
                            ? [{ notes: VisitNote[] }, never]
                            : R extends `PUT /api/children/${string}/visit-notes`
                              ? [{ note: VisitNoteFields & { child_id: string } }, VisitNoteFields]
                              : R extends `GET /api/children?${string}`
                                ? [{ matches: ChildMatch[] }, never]
                                : R extends `GET /api/children/${string}`
                                  ? [Child, never]
                                  : R extends 'POST /api/children'
                                    ? [Child, RegisterChildInput]
                                    : R extends 'POST /api/sessions'
                                      ? [SessionState, StartSessionInput]
                                      : R extends `POST /api/sessions/${string}/save`
                                        ? [SavedMeasurement, Empty]
                                        : R extends `POST /api/sessions/${string}/weight`
                                          ? [SessionState, { weight_kg: number }]
                                          : R extends `POST /api/sessions/${string}/${'restart' | 'cancel' | 'screen'}`
                                            ? [SessionState, Empty]
                                            : R extends `GET /api/sessions/${string}`
                                              ? [SessionState, never]
                                              : R extends `POST /api/measurements/${string}/corrections`
                                                ? [SavedMeasurement, CorrectionInput]
                                                : R extends 'GET /api/today'
                                                  ? [{ entries: TodayView[] }, never]
                                                  : R extends `GET /api/sasaran?${string}`
                                                    ? [SasaranView, never]
                                                    : R extends 'PUT /api/sasaran'
                                                      ? [
                                                          SasaranView,
                                                          { month: string; balita: number | null },
                                                        ]
                                                      : R extends `GET /api/reports/${string}`
                                                        ? [string, never]
                                                        : never;

type RouteKey =
  | 'GET /api/status'
  | 'GET /api/me'
  | 'POST /api/login'
  | 'POST /api/logout'
  | 'POST /api/admin/pins'
  | 'POST /api/clock/phone'
  | 'POST /api/clock/confirm'
  | `POST /api/mats/${string}/calibration-check`
  | `GET /api/children/same?${string}`
  | `GET /api/children/${string}`
  | `GET /api/children?${string}`
  | `PUT /api/children/${string}/${'address' | 'visit-notes'}`
  | `POST /api/children/${string}/identity`
  | 'POST /api/children'
  | 'POST /api/sessions'
  | `POST /api/sessions/${string}/${'save' | 'weight' | 'restart' | 'cancel' | 'screen'}`
  | `GET /api/sessions/${string}`
  | `POST /api/measurements/${string}/corrections`
  | 'GET /api/today'
  | `GET /api/sasaran?${string}`
  | 'PUT /api/sasaran'
  | `GET /api/reports/${string}`;

export type ApiMethod = 'GET' | 'POST' | 'PUT';
/** The paths the screens may call with `method`. */
export type ApiPath<M extends ApiMethod> = RouteKey extends infer K
  ? K extends `${M} ${infer P}`
    ? P
    : never
  : never;
/** The JSON a successful call answers (text for a report page). */
export type ApiAnswer<M extends ApiMethod, P extends string> = Routes<`${M} ${P}`>[0];
/** The JSON body a call sends (GET sends none). */
export type ApiBody<M extends ApiMethod, P extends string> = Routes<`${M} ${P}`>[1];

/** A failed call: the gateway's error (docs/api.md) or `network` when the gateway did not answer. */
export interface ApiFailure {
  ok: false;
  status: number;
  code: string;
  message: string;
  /** Seconds to wait before trying again (429), 0 when the gateway did not say. */
  retryAfterS?: number;
}
export type ApiResult<T> = { ok: true; status: number; data: T } | ApiFailure;

/** The live events (Server-Sent Events, docs/api.md): the services' events and today's list. */
export type LiveEvents = GatewayEvents & { today: TodayView };
export type LiveEventName = keyof LiveEvents;
