// The gateway's domain: children, measurements, sessions, mats, the clock, as plain JSON-ready data in
// snake_case with units in the names (docs/api.md). The bottom floor: every stage may import it, it imports
// nothing of ours.

export type Sex = 1 | 2; // WHO coding: 1 male, 2 female
export type Position = 'l' | 'h'; // l = recumbent length (terlentang), h = standing height (berdiri)

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
/** Tells the screens: the parts of the services emit through this, the facade's event bus delivers. */
export type Emit = <K extends GatewayEventName>(event: K, payload: GatewayEvents[K]) => void;

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
