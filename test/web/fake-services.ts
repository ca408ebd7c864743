// An in-memory GatewayServices for the web layer's own tests: the services' own parse of each request,
// real z-scores and labels from the growth core, and a hand-driven mat (tests push readings and locks).
// The end-to-end tests use the real gateway instead; test/web/services-contract.test.ts holds both to the
// same behaviour.
import { EventEmitter } from 'node:events';
import type { GatewayServices } from '../../gateway/app/services.ts';
import {
  ageInDays,
  classifyGrowth,
  computeGrowthForAge,
  roundZ,
  stuntingFlag,
} from '../../gateway/growth/index.ts';
import { MAX_AGE_DAYS, TOO_OLD_MESSAGE } from '../../gateway/measure/assemble.ts';
import {
  type Child,
  type ChildCorrection,
  type ChildMatch,
  type ClockStatus,
  calibrationCheckInput,
  childCorrectionInput,
  fail,
  type GatewayEventName,
  type GatewayEvents,
  type MatStatus,
  type Measurement,
  type MqttStatus,
  manualMeasurementInput,
  manualWeightInput,
  parseId,
  parseInput,
  type ReadingView,
  type Result,
  registerChildInput,
  type SavedMeasurement,
  type SessionState,
  sameChildQuery,
  startSessionInput,
  type TodayEntry,
} from '../../gateway/model/index.ts';

const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export interface FakeServices extends GatewayServices {
  /** The local date "today" for the today list and ages. */
  today: string;
  setMat(patch: Partial<MatStatus>): void;
  /** A moving or still value on the mat (mm). */
  pushReading(sessionId: string, valueMm: number, moving: boolean): void;
  /** A reading locks (the mat beeps); the repeat rule decides whether a third is needed. */
  lockReading(sessionId: string, valueMm: number): void;
  /** Store a finished measurement directly (history for charts and 2T). */
  addMeasurement(
    childId: string,
    measuredOn: string,
    lenheiCm: number,
    weightKg: number,
    position?: 'l' | 'h',
  ): Measurement;
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}${(++counter).toString().padStart(8, '0')}`;

export function createFakeServices(options: { today?: string } = {}): FakeServices {
  const bus = new EventEmitter();
  const children = new Map<string, Child>();
  const corrections = new Map<string, ChildCorrection[]>();
  const measurements: Measurement[] = [];
  const sessions = new Map<string, SessionState>();
  const mat: MatStatus = {
    mat_id: 'mat-1',
    connected: true,
    port: 'sim',
    calibration: 'calibrated',
    calibration_id: 'cal-1',
    has_scale: false,
    last_frame_at: null,
    frames_ok: 0,
    frames_corrupt: 0,
    frames_missing: 0,
    busy_session_id: null,
    busy_has_screen: null,
    calibration_message: null,
    disconnected_since: null,
    last_gap_ms: null,
    frames_foreign: 0,
    foreign_device_id: null,
  };
  let clock: ClockStatus = {
    trusted: true,
    reason: 'ok',
    message: { id: 'Jam gateway wajar.', en: 'The gateway clock is plausible.' },
    system_time: new Date().toISOString(),
    effective_time: new Date().toISOString(),
    offset_ms: 0,
    source: 'system',
  };
  const mqtt: MqttStatus = {
    connected: true,
    url: 'mqtt://127.0.0.1',
    outbox_pending: 0,
    outbox_unreceipted: 0,
  };
  const emit = <K extends GatewayEventName>(name: K, payload: GatewayEvents[K]) => bus.emit(name, payload);

  function buildMeasurement(
    child: Child,
    measuredOn: string,
    lenheiCm: number | null,
    weightKg: number | null,
    position: 'l' | 'h',
    source: Measurement['source'] = 'mat',
  ): Measurement {
    const ageDays = ageInDays(child.birth_date, measuredOn);
    const growth = computeGrowthForAge({
      sex: child.sex,
      ageDays,
      ...(lenheiCm === null ? {} : { lenheiCm }),
      measure: position,
      ...(weightKg === null ? {} : { weightKg }),
    });
    const z = (v: number) => (Number.isNaN(v) ? null : roundZ(v));
    const flag = (v: number) => v === 1;
    const status = classifyGrowth(growth);
    const flags = {
      flen: flag(growth.flen),
      fwei: flag(growth.fwei),
      fwfl: flag(growth.fwfl),
      fbmi: flag(growth.fbmi),
    };
    return {
      id: nextId('m'),
      child_id: child.id,
      posyandu_id: 'posyandu-1',
      measured_at: `${measuredOn}T09:00:00+07:00`,
      measured_on: measuredOn,
      age_days: ageDays,
      position,
      lenhei_cm: lenheiCm,
      clenhei_cm: Number.isNaN(growth.clenheiCm) ? null : Math.round(growth.clenheiCm * 10) / 10,
      weight_kg: weightKg,
      oedema: false,
      z: { zlen: z(growth.zlen), zwei: z(growth.zwei), zwfl: z(growth.zwfl), zbmi: z(growth.zbmi) },
      flags,
      status,
      stunting: stuntingFlag(growth.zlen) ?? null,
      implausible: Object.values(flags).some(Boolean),
      readings: [],
      source,
      calibration_id: source === 'mat' ? 'cal-1' : null,
      device_id: source === 'mat' ? 'mat-1' : null,
      supersedes_id: null,
      superseded_by: null,
      correction_reason: null,
      delivery: 'pending',
      created_at: new Date().toISOString(),
      reference: growth.reference,
    };
  }

  function prompt(code: SessionState['prompt']['code']): SessionState['prompt'] {
    const words: Record<string, [string, string]> = {
      place_child: ['Letakkan anak di tikar', 'Place the child on the mat'],
      hold_still: ['Tahan anak agar diam', 'Hold the child still'],
      move_board_away: [
        'Geser papan kaki menjauh, lalu ukur lagi',
        'Move the foot board away, then measure again',
      ],
      third_reading: [
        'Selisih lebih dari 7 mm: ukur ketiga kali',
        'More than 7 mm apart: measure a third time',
      ],
      enter_weight: ['Masukkan berat dari timbangan', 'Enter the weight from the scale'],
      ready_to_save: ['Siap disimpan', 'Ready to save'],
    };
    const [id, en] = words[code] ?? [code, code];
    return { code, id, en };
  }

  function session(id: unknown): Result<SessionState> {
    const checked = parseId(id, 'session_id');
    if (!checked.ok) return checked;
    const found = sessions.get(checked.value);
    return found ? ok(found) : fail('not_found', 'no such session', 'session_id');
  }

  /** An open session (not saved nor cancelled). */
  function openSession(id: unknown): Result<SessionState> {
    const found = session(id);
    if (!found.ok) return found;
    const { phase } = found.value;
    return phase === 'saved' || phase === 'cancelled'
      ? fail('session_state', 'the session is closed', 'session_id')
      : found;
  }

  function release(s: SessionState): void {
    if (mat.busy_session_id !== s.session_id) return;
    mat.busy_session_id = null;
    mat.busy_has_screen = null;
    emit('mat', { ...mat });
  }

  function refresh(s: SessionState): void {
    const length = s.length;
    const values = length.readings.map((r) => r.value);
    const [a, b, c] = values;
    length.needed = a !== undefined && b !== undefined && Math.abs(a - b) > 7 ? 3 : 2;
    if (values.length >= length.needed) {
      const pairs: [number, number][] =
        c === undefined
          ? [[a as number, b as number]]
          : [
              [a as number, b as number],
              [a as number, c],
              [b as number, c],
            ];
      pairs.sort((p, q) => Math.abs(p[0] - p[1]) - Math.abs(q[0] - q[1]));
      const best = pairs[0] as [number, number];
      length.result = (best[0] + best[1]) / 2;
      length.stored = Math.round(length.result) / 10;
      s.phase = s.manual_weight_kg === null && s.weight === null ? 'locked' : 'complete';
      s.prompt = prompt(s.phase === 'complete' ? 'ready_to_save' : 'enter_weight');
    } else {
      length.result = null;
      length.stored = null;
      s.phase = values.length === 0 ? 'waiting' : 'locked';
      s.prompt = prompt(
        values.length === 0 ? 'place_child' : length.needed === 3 ? 'third_reading' : 'move_board_away',
      );
    }
    emit('session', s);
  }

  const services: FakeServices = {
    posyanduId: 'posyandu-1',
    villageId: 'village-1',
    today: options.today ?? new Date().toISOString().slice(0, 10),

    async registerChild(input) {
      const parsed = parseInput(registerChildInput, input);
      if (!parsed.ok) return parsed;
      const value = parsed.value;
      if (value.birth_date > services.today)
        return fail('invalid_input', 'birth_date: is in the future', 'birth_date');
      if (ageInDays(value.birth_date, services.today) > MAX_AGE_DAYS)
        return fail('invalid_input', `birth_date: ${TOO_OLD_MESSAGE}`, 'birth_date');
      if (value.nik !== undefined && [...children.values()].some((c) => c.nik === value.nik))
        return fail('conflict', 'nik: a child with this NIK is already registered', 'nik');
      const same = await services.findSameChild({
        name: value.name,
        birth_date: value.birth_date,
        mother_name: value.mother_name,
      });
      if (!value.confirm_duplicate && same.ok && same.value.length > 0)
        return fail('conflict', 'confirm_duplicate: already registered', 'confirm_duplicate');
      const nowIso = new Date().toISOString();
      const child: Child = {
        id: nextId('c'),
        pseudo_id: nextId('p'),
        name: parsed.value.name,
        sex: parsed.value.sex,
        birth_date: parsed.value.birth_date,
        nik: parsed.value.nik ?? null,
        mother_name: parsed.value.mother_name,
        posyandu_id: 'posyandu-1',
        village_id: 'village-1',
        has_kia: parsed.value.has_kia ?? false,
        created_at: nowIso,
        updated_at: nowIso,
      };
      children.set(child.id, child);
      return ok(child);
    },
    async findChildren(query, limit = 20) {
      if (typeof query !== 'string' || query.trim().length === 0 || query.length > 100)
        return fail('invalid_input', 'query must be 1-100 characters', 'query');
      const q = query.toLowerCase();
      const matches: ChildMatch[] = [...children.values()]
        .filter((c) => c.name.toLowerCase().includes(q) || c.mother_name.toLowerCase().includes(q))
        .map((child) => ({ child, score: 1 }));
      return ok(matches.slice(0, limit));
    },
    async getChild(id) {
      const checked = parseId(id, 'child_id');
      if (!checked.ok) return checked;
      const child = children.get(checked.value);
      return child ? ok(child) : fail('not_found', 'no such child', 'child_id');
    },
    async listChildren(limit) {
      const byName = [...children.values()].sort((a, b) => a.name.localeCompare(b.name));
      return ok(byName.slice(0, limit));
    },
    async childCorrections(id, correction) {
      const checked = parseId(id, 'child_id');
      if (!checked.ok) return checked;
      const child = children.get(checked.value);
      if (!child) return fail('not_found', 'no such child', 'child_id');
      const history = corrections.get(child.id) ?? [];
      if (correction !== undefined) {
        const parsed = parseInput(childCorrectionInput, correction);
        if (!parsed.ok) return parsed;
        const { reason, corrected_by, ...changes } = parsed.value;
        const before: ChildCorrection['before'] = {};
        const after: ChildCorrection['after'] = {};
        for (const [field, value] of Object.entries(changes) as [keyof typeof changes, never][]) {
          if (value === undefined || child[field] === value) continue;
          Object.assign(before, { [field]: child[field] });
          Object.assign(after, { [field]: value });
        }
        if (Object.keys(after).length === 0) return fail('invalid_input', 'nothing to correct');
        const nowIso = new Date().toISOString();
        Object.assign(child, after, { updated_at: nowIso });
        history.unshift({
          id: nextId('k'),
          child_id: child.id,
          corrected_at: nowIso,
          corrected_by,
          reason,
          before,
          after,
          rescored_measurements: 0,
        });
        corrections.set(child.id, history);
      }
      return ok({ child, corrections: history });
    },
    async startSession(input) {
      const parsed = parseInput(startSessionInput, input);
      if (!parsed.ok) return parsed;
      const child = children.get(parsed.value.child_id);
      if (!child) return fail('not_found', 'no such child', 'child_id');
      if (parsed.value.mat_id !== undefined && parsed.value.mat_id !== mat.mat_id)
        return fail('not_found', 'no such mat', 'mat_id');
      if (!mat.connected) return fail('mat_unavailable', 'the mat is not connected', 'mat_id');
      const busy = mat.busy_session_id ? sessions.get(mat.busy_session_id) : undefined;
      if (busy && openSession(busy.session_id).ok)
        return fail('mat_unavailable', 'the mat is busy with another session', 'mat_id');
      const s: SessionState = {
        session_id: nextId('s'),
        child_id: child.id,
        mat_id: mat.mat_id,
        position: parsed.value.position ?? (ageInDays(child.birth_date, services.today) < 731 ? 'l' : 'h'),
        phase: 'waiting',
        length: {
          channel: 'length',
          current: null,
          moving: false,
          readings: [],
          needed: 2,
          tolerance: 7,
          result: null,
          stored: null,
        },
        weight: null,
        manual_weight_kg: null,
        prompt: prompt('place_child'),
        started_at: new Date().toISOString(),
        measurement_id: null,
        calibration_id: mat.calibration_id,
        warnings: [],
        has_screen: true,
        screen_seen_at: new Date().toISOString(),
        ended_by: null,
      };
      sessions.set(s.session_id, s);
      mat.busy_session_id = s.session_id;
      mat.busy_has_screen = true;
      emit('session', s);
      emit('mat', { ...mat });
      return ok(s);
    },
    getSession: session,
    setManualWeight(id, input) {
      const checked = parseId(id, 'session_id');
      if (!checked.ok) return checked;
      const parsed = parseInput(manualWeightInput, input);
      if (!parsed.ok) return parsed;
      const found = openSession(checked.value);
      if (!found.ok) return found;
      found.value.manual_weight_kg = parsed.value.weight_kg;
      refresh(found.value);
      return found;
    },
    restartReadings(id) {
      const found = openSession(id);
      if (!found.ok) return found;
      found.value.length.readings = [];
      refresh(found.value);
      return found;
    },
    async saveSession(id) {
      const found = openSession(id);
      if (!found.ok) return found;
      const s = found.value;
      if (s.phase !== 'complete' || s.length.result === null)
        return fail('session_state', 'the readings are not complete yet (WHO repeat rule)', 'session_id');
      const child = children.get(s.child_id) as Child;
      const lenheiCm = Math.round(s.length.result) / 10;
      const saved = services.addMeasurement(
        child.id,
        services.today,
        lenheiCm,
        s.manual_weight_kg as number,
        s.position,
      );
      s.phase = 'saved';
      s.measurement_id = saved.id;
      s.ended_by = 'kader';
      release(s);
      const previous = measurements.filter((m) => m.child_id === child.id && m.id !== saved.id).at(-1);
      const result: SavedMeasurement = {
        measurement: saved,
        comparison: previous
          ? {
              previous_id: previous.id,
              previous_measured_on: previous.measured_on,
              days_since: saved.age_days - previous.age_days,
              length_gain_cm:
                saved.lenhei_cm !== null && previous.lenhei_cm !== null
                  ? Math.round((saved.lenhei_cm - previous.lenhei_cm) * 10) / 10
                  : null,
              weight_gain_g:
                saved.weight_kg !== null && previous.weight_kg !== null
                  ? Math.round((saved.weight_kg - previous.weight_kg) * 1000)
                  : null,
              kbm_g: 200,
              weight_trend: 'T',
            }
          : null,
        warnings: [],
      };
      emit('saved', result);
      emit('session', s);
      return ok(result);
    },
    cancelSession(id) {
      const found = openSession(id);
      if (!found.ok) return found;
      found.value.phase = 'cancelled';
      found.value.ended_by = 'kader';
      release(found.value);
      emit('session', found.value);
      return found;
    },
    sessionScreen: (id) => session(id),
    async findSameChild(input) {
      const parsed = parseInput(sameChildQuery, input);
      if (!parsed.ok) return parsed;
      const { name, birth_date, mother_name } = parsed.value;
      const fold = (text: string | undefined) => (text ?? '').trim().toLowerCase();
      return ok(
        [...children.values()].filter(
          (c) =>
            fold(c.name) === fold(name) &&
            c.birth_date === birth_date &&
            fold(c.mother_name) === fold(mother_name),
        ),
      );
    },
    async saveManualMeasurement(input) {
      const parsed = parseInput(manualMeasurementInput, input);
      if (!parsed.ok) return parsed;
      const { child_id, lenhei_cm, weight_kg, position } = parsed.value;
      const child = children.get(child_id);
      if (!child) return fail('not_found', 'no such child', 'child_id');
      const ageDays = ageInDays(child.birth_date, services.today);
      const measurement = buildMeasurement(
        child,
        services.today,
        lenhei_cm ?? null,
        weight_kg ?? null,
        position ?? (ageDays < 731 ? 'l' : 'h'),
        'manual',
      );
      measurements.push(measurement);
      const result: SavedMeasurement = { measurement, comparison: null, warnings: [] };
      emit('saved', result);
      return ok(result);
    },
    async listMeasurements(childId) {
      const checked = parseId(childId, 'child_id');
      if (!checked.ok) return checked;
      if (!children.has(checked.value)) return fail('not_found', 'no such child', 'child_id');
      return ok(measurements.filter((m) => m.child_id === childId).reverse());
    },
    async getMeasurement(id) {
      const checked = parseId(id, 'measurement_id');
      if (!checked.ok) return checked;
      const found = measurements.find((m) => m.id === checked.value);
      return found ? ok(found) : fail('not_found', 'no such measurement');
    },
    async correctMeasurement() {
      return fail('invalid_input', 'not in the fake');
    },
    async todayList() {
      const entries: TodayEntry[] = measurements
        .filter((m) => m.measured_on === services.today && m.superseded_by === null)
        .reverse()
        .map((measurement) => ({ child: children.get(measurement.child_id) as Child, measurement }));
      return ok(entries);
    },
    listMats: () => [mat],
    async checkCalibration(matId, input) {
      const checked = parseId(matId, 'mat_id');
      if (!checked.ok) return checked;
      const parsed = parseInput(calibrationCheckInput, input);
      if (!parsed.ok) return parsed;
      if (checked.value !== mat.mat_id) return fail('not_found', 'no such mat', 'mat_id');
      const referenceMm = parsed.value.reference_mm;
      const message = { id: 'Cek batang acuan lulus.', en: 'Reference-rod check passed.' };
      return ok({
        mat_id: mat.mat_id,
        channel: 'length' as const,
        calibration_id: mat.calibration_id ?? 'cal-1',
        reference_mm: referenceMm,
        measured_mm: referenceMm,
        error_mm: 0,
        tolerance_mm: 2,
        passed: true,
        checked_at: new Date().toISOString(),
        message,
        mat,
      });
    },
    clockStatus: () => clock,
    reportPhoneTime(iso) {
      if (typeof iso !== 'string' || Number.isNaN(Date.parse(iso)))
        return fail('invalid_input', 'time must be an ISO 8601 date-time', 'time');
      if (Math.abs(Date.parse(iso) - Date.now()) > 10 * 60_000) {
        clock = {
          ...clock,
          trusted: false,
          reason: 'far_from_phone',
          message: {
            id: 'Jam gateway berbeda jauh dari jam HP.',
            en: "The gateway clock is far from the phone's.",
          },
        };
        emit('clock', clock);
      }
      return ok(clock);
    },
    confirmPhoneTime(iso) {
      if (typeof iso !== 'string' || Number.isNaN(Date.parse(iso)))
        return fail('invalid_input', 'time must be an ISO 8601 date-time', 'time');
      clock = {
        ...clock,
        trusted: true,
        reason: 'ok',
        source: 'phone',
        offset_ms: Date.parse(iso) - Date.now(),
      };
      emit('clock', clock);
      return ok(clock);
    },
    mqttStatus: () => mqtt,
    on(event, listener) {
      bus.on(event, listener);
      return () => bus.off(event, listener);
    },

    setMat(patch) {
      Object.assign(mat, patch);
      emit('mat', { ...mat });
    },
    pushReading(sessionId, valueMm, moving) {
      const s = sessions.get(sessionId);
      if (!s) return;
      s.length.current = valueMm;
      s.length.moving = moving;
      emit('reading', {
        mat_id: mat.mat_id,
        session_id: sessionId,
        channel: 'length',
        value: valueMm,
        moving,
        at: new Date().toISOString(),
      });
    },
    lockReading(sessionId, valueMm) {
      const s = sessions.get(sessionId);
      if (!s) return;
      const reading: ReadingView = {
        channel: 'length',
        ordinal: s.length.readings.length + 1,
        value: valueMm,
        locked_at: new Date().toISOString(),
      };
      s.length.readings.push(reading);
      s.length.current = valueMm;
      s.length.moving = false;
      emit('lock', { mat_id: mat.mat_id, session_id: sessionId, reading });
      refresh(s);
    },
    addMeasurement(childId, measuredOn, lenheiCm, weightKg, position = 'l') {
      const child = children.get(childId) as Child;
      const m = buildMeasurement(child, measuredOn, lenheiCm, weightKg, position);
      measurements.push(m);
      return m;
    },
  };
  return services;
}
