// The contract between the running gateway and the web layer (gateway/web/**).
// Every method takes untrusted input as `unknown`, validates it here (zod) and returns a typed Result:
// nothing the web layer passes in can throw. Objects are plain JSON-ready data in snake_case with units
// in the names, so the HTTP layer can send them as they are (docs/api.md).

import { z } from 'zod';

export type Sex = 1 | 2; // WHO coding: 1 male, 2 female
export type Position = 'l' | 'h'; // l = recumbent length (terlentang), h = standing height (berdiri)

// ---------------------------------------------------------------------------------------------------------
// Results and errors

export type ServiceErrorCode =
  | 'invalid_input' // the input failed validation; `field` names the first bad field
  | 'not_found' // unknown child, session, measurement or mat
  | 'clock_untrusted' // the gateway's clock is implausible: no age can be computed until the kader confirms the time
  | 'session_state' // the session is not in a state that allows this (e.g. save before the readings are complete)
  | 'mat_unavailable' // the mat is not connected, or busy with another session
  | 'conflict' // e.g. a correction of a measurement that is already superseded
  | 'internal'; // a fault of ours (disk full, database error); logged with details

export interface ServiceError {
  code: ServiceErrorCode;
  /** Human-readable, English; safe to show (never contains personal data). */
  message: string;
  /** The input field at fault, dotted path (e.g. `birth_date`). */
  field?: string;
  /** All validation issues, when there are several. */
  issues?: { field: string; message: string }[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ServiceError };

// ---------------------------------------------------------------------------------------------------------
// Inputs (the zod schemas are exported so the web layer can document them; validation happens in the services)

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');
// Control characters (NUL, escape codes, CR/LF) and lone surrogates are refused: they break CSV and XLSX
// exports, terminals and logs, and no name needs them.
const controlCharacter = /\p{Cc}/u;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const personName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'at most 100 characters')
  .refine((name) => !controlCharacter.test(name), 'must not contain control characters or line breaks')
  .refine((name) => !loneSurrogate.test(name), 'must be valid Unicode text');

export const registerChildInput = z.strictObject({
  name: personName,
  sex: z.union([z.literal(1), z.literal(2)]),
  birth_date: isoDate, // must not be in the future nor more than 84 months before today (checked against the clock)
  nik: z
    .string()
    .regex(/^\d{16}$/, 'NIK is 16 digits')
    .optional(),
  mother_name: personName,
  has_kia: z.boolean().optional(), // has a Buku KIA / KMS (the K of SKDN); default false
  /** Register even though the same name, birth date and mother's name are registered (409 otherwise). */
  confirm_duplicate: z.boolean().optional(),
});
export type RegisterChildInput = z.infer<typeof registerChildInput>;

/** What makes two registrations the same child (GET /api/children/same). */
export const sameChildQuery = z.strictObject({
  name: personName,
  birth_date: isoDate,
  mother_name: personName,
});

export const startSessionInput = z.strictObject({
  child_id: z.string().min(1),
  /** Device id of the mat; default: the only connected mat. */
  mat_id: z.string().min(1).optional(),
  /** Default by age: lying under 24 months (731 days), standing from then on. */
  position: z.enum(['l', 'h']).optional(),
});
export type StartSessionInput = z.infer<typeof startSessionInput>;

export const manualWeightInput = z.strictObject({
  /** Kilograms read from a separate baby scale (KMK 51/2022: 10 g resolution). */
  weight_kg: z.number().gt(0.5).lt(40),
});

export const manualMeasurementInput = z.strictObject({
  child_id: z.string().min(1),
  position: z.enum(['l', 'h']).optional(),
  lenhei_cm: z.number().gte(38).lte(150).optional(),
  weight_kg: z.number().gt(0.5).lt(40).optional(),
  oedema: z.boolean().optional(),
});
export const calibrationCheckInput = z.strictObject({
  /** Length of the reference rod, mm. */
  reference_mm: z.number().gte(300).lte(1200),
});

export type ManualMeasurementInput = z.infer<typeof manualMeasurementInput>;

export const correctionInput = z.strictObject({
  lenhei_cm: z.number().gte(38).lte(150).optional(),
  weight_kg: z.number().gt(0.5).lt(40).optional(),
  position: z.enum(['l', 'h']).optional(),
  oedema: z.boolean().optional(),
  /** Why it was corrected (kept with the new row). */
  reason: z.string().trim().min(1).max(200),
});
export type CorrectionInput = z.infer<typeof correctionInput>;

/**
 * A bidan's (or admin's) correction of a local child's identity (POST /api/children/:id/identity): the fields
 * to change and why. The reason is kept with the old and new values in the child's history.
 */
export const childCorrectionBody = z.strictObject({
  name: personName.optional(),
  sex: z.union([z.literal(1), z.literal(2)]).optional(),
  birth_date: isoDate.optional(),
  /** null removes a NIK entered in error. */
  nik: z
    .string()
    .regex(/^\d{16}$/, 'NIK is 16 digits')
    .nullable()
    .optional(),
  mother_name: personName.optional(),
  has_kia: z.boolean().optional(),
  reason: z
    .string()
    .trim()
    .min(1, 'a reason is required')
    .max(200, 'at most 200 characters')
    .refine((text) => !controlCharacter.test(text), 'must not contain control characters or line breaks'),
});
/** What a screen sends: the fields it changes and the reason. */
export type ChildCorrectionBody = z.infer<typeof childCorrectionBody>;
/** The service's input: the body and the role of the login that sent it (set by the route, never the body). */
export const childCorrectionInput = childCorrectionBody.extend({ corrected_by: z.enum(['bidan', 'admin']) });
export type ChildCorrectionInput = z.infer<typeof childCorrectionInput>;

// ---------------------------------------------------------------------------------------------------------
// Outputs

export interface Child {
  id: string; // UUIDv7
  pseudo_id: string; // travels over MQTT instead of name/NIK
  name: string;
  sex: Sex;
  birth_date: string; // YYYY-MM-DD
  nik: string | null;
  mother_name: string;
  posyandu_id: string;
  village_id: string;
  has_kia: boolean;
  created_at: string;
  updated_at: string;
}

/** The identity fields a correction may change. */
export type ChildIdentityField = 'name' | 'sex' | 'birth_date' | 'nik' | 'mother_name' | 'has_kia';

/** One correction of a child's identity, with the values before and after (only the fields it changed). */
export interface ChildCorrection {
  id: string;
  child_id: string;
  corrected_at: string;
  corrected_by: 'bidan' | 'admin';
  reason: string;
  before: Partial<Pick<Child, ChildIdentityField>>;
  after: Partial<Pick<Child, ChildIdentityField>>;
  /** Measurements re-scored for the corrected sex or birth date (each a new row superseding the old one). */
  rescored_measurements: number;
}

/** A child with its identity corrections, newest first. */
export interface ChildIdentity {
  child: Child;
  corrections: ChildCorrection[];
}

export interface ChildMatch {
  child: Child;
  /** 0..1, 1 = same name after Indonesian spelling normalisation (oe/u, dj/j, tj/c, doubled letters...). */
  score: number;
  /** Which name matched the query best: the child's or the mother's. */
  matched_on?: 'name' | 'mother_name';
}

/** Indonesian status label from Permenkes 2/2020 (as the growth core returns it). */
export interface StatusLabel {
  index: 'tbu' | 'bbu' | 'bbtb' | 'imtu' | 'imtu_5_18';
  code: string;
  id: string; // Bahasa Indonesia
  en: string;
  severity: 'severe' | 'moderate' | 'normal' | 'risk';
}

export interface ReadingView {
  channel: 'length' | 'weight';
  ordinal: number; // 1..3
  /** mm for length, g for weight. */
  value: number;
  locked_at: string;
}

export interface Measurement {
  id: string;
  child_id: string;
  posyandu_id: string;
  measured_at: string; // ISO 8601 with offset
  measured_on: string; // YYYY-MM-DD local
  age_days: number;
  position: Position;
  lenhei_cm: number | null; // as measured (mean of the two closest readings)
  clenhei_cm: number | null; // corrected for position (±0.7 cm) by the growth core
  weight_kg: number | null;
  oedema: boolean;
  z: { zlen: number | null; zwei: number | null; zwfl: number | null; zbmi: number | null };
  /** true = implausible z (WHO flag): the screen asks to measure again. */
  flags: { flen: boolean; fwei: boolean; fwfl: boolean; fbmi: boolean };
  status: { tbu?: StatusLabel; bbu?: StatusLabel; bbtb?: StatusLabel; imtu?: StatusLabel };
  stunting: 'severe' | 'stunted' | 'none' | null;
  implausible: boolean;
  readings: ReadingView[];
  source: 'mat' | 'manual' | 'record' | 'import';
  calibration_id: string | null;
  device_id: string | null;
  supersedes_id: string | null;
  /** Set when a later correction replaced this row (history is kept, never overwritten). */
  superseded_by: string | null;
  correction_reason: string | null;
  /** MQTT delivery: pending (in outbox), sent (broker PUBACK), delivered (village record receipt). */
  delivery: 'pending' | 'sent' | 'delivered' | 'local';
  created_at: string;
  /** WHO 2006 standards (under 60 months) or WHO Reference 2007 (a PAUD child of 60-84 months). */
  reference: 'who2006' | 'who2007';
}

export interface Comparison {
  previous_id: string;
  previous_measured_on: string;
  days_since: number;
  length_gain_cm: number | null;
  weight_gain_g: number | null;
  /** KBM (Buku KIA minimum monthly gain) for the age, in grams; null if not applicable. */
  kbm_g: number | null;
  /** N (naik), T (tidak naik), O (not weighed last month), B (first visit). */
  weight_trend: 'N' | 'T' | 'O' | 'B';
}

/** A plain warning to show, in Bahasa Indonesia and English (e.g. "length implausible for age: measure again"). */
export interface SessionWarning {
  code: string;
  id: string;
  en: string;
}

export interface SavedMeasurement {
  measurement: Measurement;
  /** Absent on the first visit. */
  comparison: Comparison | null;
  /** Plain warnings to show (e.g. `calibration_expired`, implausible values). */
  warnings: SessionWarning[];
}

export type SessionPhase =
  | 'waiting' // nothing on the mat yet
  | 'measuring' // value moving
  | 'locked' // a reading just locked; waiting for the foot board to move away before the next one
  | 'complete' // enough readings (2, or 3 when the first two differ by more than the tolerance)
  | 'saved'
  | 'cancelled';

export interface Prompt {
  code:
    | 'place_child'
    | 'hold_still'
    | 'move_board_away'
    | 'measure_again'
    | 'third_reading'
    | 'enter_weight'
    | 'ready_to_save'
    | 'saved'
    | 'cancelled'
    | 'mat_disconnected'
    | 'mat_not_answering' // no ack of the start command (mat unplugged or hung): samples are not used
    | 'ended_idle'; // no screen and nothing moving on the mat for a while: the gateway ended it
  id: string;
  en: string;
}

export interface ChannelState {
  channel: 'length' | 'weight';
  /** Current calibrated value (mm or g), null when nothing is read. */
  current: number | null;
  moving: boolean;
  /** Locked readings 1..3 (every raw reading is kept). */
  readings: ReadingView[];
  /** readings needed: 2, or 3 when the first two differ by more than tolerance. */
  needed: number;
  tolerance: number; // 7 mm for length, 100 g for weight
  /** Mean of the two closest readings once complete (mm or g). */
  result: number | null;
  /** The result as it will be saved (the one rounding): cm to 0.1 for length, kg to 0.01 for weight. */
  stored: number | null;
}

export interface SessionState {
  session_id: string;
  child_id: string;
  mat_id: string;
  position: Position;
  phase: SessionPhase;
  length: ChannelState;
  /** null when the mat has no scale: enter the weight by hand (manual_weight_kg). */
  weight: ChannelState | null;
  manual_weight_kg: number | null;
  prompt: Prompt;
  started_at: string;
  /** Present once saved. */
  measurement_id: string | null;
  /** The length calibration of the mat the readings are computed with (saved with the measurement). */
  calibration_id: string | null;
  /** E.g. `calibration_expired`: the session may go on, the result carries the warning. */
  warnings: SessionWarning[];
  /**
   * A screen showed this session within the last 15 s (it says so with `POST /api/sessions/:id/screen`).
   * Without one (a closed or reloaded tab) any kader may continue or cancel it from the measuring screen.
   */
  has_screen: boolean;
  /** When a screen last showed the session. */
  screen_seen_at: string;
  /** Who ended it: `kader` (cancel or save), `idle` (no screen and no movement, see docs/screens.md), or null. */
  ended_by: 'kader' | 'idle' | null;
}

export interface MatStatus {
  mat_id: string;
  connected: boolean;
  port: string; // serial path, or "sim"
  /** check_failed: the last reference-rod check failed; nothing from this mat is saved until it is recalibrated. */
  calibration: 'calibrated' | 'uncalibrated' | 'check_failed' | 'expired';
  calibration_id: string | null;
  /** Why the mat cannot be used or warns (failed check, expired calibration), in plain words; else null. */
  calibration_message: { id: string; en: string } | null;
  has_scale: boolean;
  last_frame_at: string | null;
  frames_ok: number;
  frames_corrupt: number;
  /** Frames lost according to sequence numbers. */
  frames_missing: number;
  busy_session_id: string | null;
  /** Whether a screen shows the busy session (false: a closed tab; any kader may continue or cancel it). */
  busy_has_screen: boolean | null;
  /** When the serial link went down (then connected is false and save is refused); null while connected. */
  disconnected_since: string | null;
  /** How long the link was down the last time it came back, ms; null if it never dropped. */
  last_gap_ms: number | null;
  /** Valid frames from another device id on this mat's link, dropped (a second device or a forgery). */
  frames_foreign: number;
  /** The other device id last seen on this link, or null: a conflict to show the technician. */
  foreign_device_id: string | null;
}

export interface CalibrationCheckResult {
  mat_id: string;
  channel: 'length';
  calibration_id: string;
  reference_mm: number;
  /** The mat's calibrated reading of the rod (mean over the stable window). */
  measured_mm: number;
  error_mm: number;
  tolerance_mm: number;
  passed: boolean;
  checked_at: string;
  message: { id: string; en: string };
  /** The mat's status after the check (check_failed when it failed). */
  mat: MatStatus;
}

export interface ClockStatus {
  /** false = ages are refused until the kader confirms the time from a phone. */
  trusted: boolean;
  reason: 'ok' | 'before_build_date' | 'behind_newest_measurement' | 'far_from_phone' | null;
  /** Human-readable explanation in Bahasa Indonesia and English. */
  message: { id: string; en: string };
  system_time: string;
  /** The time the gateway uses (system time + confirmed offset). */
  effective_time: string;
  offset_ms: number;
  source: 'system' | 'phone' | 'rtc';
}

export interface TodayEntry {
  child: Child;
  measurement: Measurement;
}

export interface MqttStatus {
  connected: boolean;
  url: string; // without credentials
  outbox_pending: number; // not yet PUBACKed
  outbox_unreceipted: number; // PUBACKed but no receipt from the village record yet
}

// ---------------------------------------------------------------------------------------------------------
// Live events (≥ 5 Hz while something is on the mat)

export interface GatewayEvents {
  reading: {
    mat_id: string;
    session_id: string | null;
    channel: 'length' | 'weight';
    value: number;
    moving: boolean;
    at: string;
  };
  lock: { mat_id: string; session_id: string; reading: ReadingView };
  session: SessionState;
  saved: SavedMeasurement;
  mat: MatStatus;
  clock: ClockStatus;
  mqtt: MqttStatus;
}
export type GatewayEventName = keyof GatewayEvents;
export type Unsubscribe = () => void;

// ---------------------------------------------------------------------------------------------------------
// The services

export interface GatewayServices {
  readonly posyanduId: string;
  readonly villageId: string;

  // Children
  registerChild(input: unknown): Promise<Result<Child>>;
  /** The child's or the mother's name, tolerant of spelling (Indonesian variants, typos); best first; at most `limit` (default 20). */
  findChildren(query: unknown, limit?: number): Promise<Result<ChildMatch[]>>;
  getChild(id: unknown): Promise<Result<Child>>;
  /** Children registered with the same name, birth date and mother's name (spelling folded). */
  findSameChild(input: unknown): Promise<Result<Child[]>>;
  /** By name; at most `limit` (default all). */
  listChildren(limit?: number): Promise<Result<Child[]>>;
  /**
   * The child's identity corrections, newest first. With `correction` (ChildCorrectionInput), first corrects a
   * child of this posyandu in one transaction: history row, child row, outbox message, and the child's current
   * measurements re-scored when sex or birth date changed (docs/security.md, "Correcting a child's identity").
   */
  childCorrections(childId: unknown, correction?: unknown): Promise<Result<ChildIdentity>>;

  // Measuring sessions on a mat
  startSession(input: unknown): Promise<Result<SessionState>>;
  getSession(sessionId: unknown): Result<SessionState>;
  /** Weight from a separate scale, when the mat has none. */
  setManualWeight(sessionId: unknown, input: unknown): Result<SessionState>;
  /** Discard the current readings of one channel and measure it again (readings are still kept in the log). */
  restartReadings(sessionId: unknown): Result<SessionState>;
  /** Commits measurement + readings + outbox message in one transaction, then tells the mat (beep) and the screens. */
  saveSession(sessionId: unknown): Promise<Result<SavedMeasurement>>;
  cancelSession(sessionId: unknown): Result<SessionState>;
  /** A screen shows this session (sent every few seconds while it does): the session has a screen. */
  sessionScreen(sessionId: unknown): Result<SessionState>;

  // Measurements
  /** Without a mat: typed in from a separate board/scale (source = manual). */
  saveManualMeasurement(input: unknown): Promise<Result<SavedMeasurement>>;
  /** Newest first; corrections are new rows whose supersedes_id points to the replaced row. */
  listMeasurements(childId: unknown): Promise<Result<Measurement[]>>;
  getMeasurement(id: unknown): Promise<Result<Measurement>>;
  correctMeasurement(id: unknown, input: unknown): Promise<Result<SavedMeasurement>>;
  /** Children measured today at this posyandu (local date of the effective clock), newest first. */
  todayList(): Promise<Result<TodayEntry[]>>;

  // Devices, clock, link
  listMats(): MatStatus[];
  /**
   * Reference-rod check on a connected, idle mat (the rod is on it, the foot board against it): waits for a
   * stable reading, compares it with `reference_mm` (±2 mm), records the check in the calibration store. A failed
   * check blocks the mat (sessions and saves refused) until it is recalibrated or passes a later check.
   */
  checkCalibration(matId: unknown, input: unknown): Promise<Result<CalibrationCheckResult>>;
  clockStatus(): ClockStatus;
  /** The phone's time as seen when it connects (not yet trusted): may mark the clock untrusted. */
  reportPhoneTime(iso: unknown): Result<ClockStatus>;
  /** The kader confirms the phone's time: the gateway keeps the offset and trusts it. */
  confirmPhoneTime(iso: unknown): Result<ClockStatus>;
  mqttStatus(): MqttStatus;

  /** Typed live updates; a throwing listener is logged, never fatal. */
  on<K extends GatewayEventName>(event: K, listener: (payload: GatewayEvents[K]) => void): Unsubscribe;
}
