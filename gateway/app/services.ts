// The contract between the running gateway and the web layer (gateway/web/**): the services the routes call.
// Every method takes untrusted input as `unknown`, parses it once (the schemas of gateway/model/inputs.ts)
// and returns a typed Result: nothing the web layer passes in can throw. Objects are plain JSON-ready data in
// snake_case with units in the names, so the HTTP layer can send them as they are (docs/api.md). The types
// themselves live in gateway/model/ (the bottom floor), where the web layer imports them from.

import type {
  CalibrationCheckResult,
  Child,
  ChildIdentity,
  ChildMatch,
  ClockStatus,
  GatewayEventName,
  GatewayEvents,
  MatStatus,
  Measurement,
  MqttStatus,
  Result,
  SavedMeasurement,
  SessionState,
  TodayEntry,
  Unsubscribe,
} from '../model/index.ts';

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
