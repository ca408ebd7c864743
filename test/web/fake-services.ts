// An in-memory GatewayServices for the web layer's own tests: real zod validation (the services' schemas),
// real z-scores and labels from the growth core, and a hand-driven mat (tests push readings and locks).
// The end-to-end tests use the real gateway instead.
import { EventEmitter } from 'node:events';
import {
  type Child,
  type ChildCorrection,
  type ChildMatch,
  type ClockStatus,
  calibrationCheckInput,
  childCorrectionInput,
  type GatewayEventName,
  type GatewayEvents,
  type GatewayServices,
  type MatStatus,
  type Measurement,
  type MqttStatus,
  type ReadingView,
  type Result,
  registerChildInput,
  type SavedMeasurement,
  type SessionState,
  startSessionInput,
  type TodayEntry,
} from '../../gateway/app/services.ts';
import {
  ageInDays,
  classifyGrowth,
  computeGrowthForAge,
  roundZ,
  stuntingFlag,
} from '../../gateway/growth/index.ts';

const fail = <T>(
  code: 'invalid_input' | 'not_found' | 'session_state' | 'mat_unavailable',
  message: string,
): Result<T> => ({
  ok: false,
  error: { code, message },
});
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
    lenheiCm: number,
    weightKg: number | null,
    position: 'l' | 'h',
  ): Measurement {
    const ageDays = ageInDays(child.birth_date, measuredOn);
    const growth = computeGrowthForAge({
      sex: child.sex,
      ageDays,
      lenheiCm,
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
      source: 'mat',
      calibration_id: 'cal-1',
      device_id: 'mat-1',
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
    const found = typeof id === 'string' ? sessions.get(id) : undefined;
    return found ? ok(found) : fail('not_found', 'no such session');
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
      const parsed = registerChildInput.safeParse(input);
      if (!parsed.success) return fail('invalid_input', parsed.error.issues[0]?.message ?? 'invalid');
      const nowIso = new Date().toISOString();
      const child: Child = {
        id: nextId('c'),
        pseudo_id: nextId('p'),
        name: parsed.data.name,
        sex: parsed.data.sex,
        birth_date: parsed.data.birth_date,
        nik: parsed.data.nik ?? null,
        mother_name: parsed.data.mother_name,
        posyandu_id: 'posyandu-1',
        village_id: 'village-1',
        has_kia: parsed.data.has_kia ?? false,
        created_at: nowIso,
        updated_at: nowIso,
      };
      children.set(child.id, child);
      return ok(child);
    },
    async findChildren(query, limit = 20) {
      if (typeof query !== 'string') return fail('invalid_input', 'query must be text');
      const q = query.toLowerCase();
      const matches: ChildMatch[] = [...children.values()]
        .filter((c) => c.name.toLowerCase().includes(q) || c.mother_name.toLowerCase().includes(q))
        .map((child) => ({ child, score: 1 }));
      return ok(matches.slice(0, limit));
    },
    async getChild(id) {
      const child = typeof id === 'string' ? children.get(id) : undefined;
      return child ? ok(child) : fail('not_found', 'no such child');
    },
    async listChildren() {
      return ok([...children.values()]);
    },
    async childCorrections(id, correction) {
      const child = typeof id === 'string' ? children.get(id) : undefined;
      if (!child) return fail('not_found', 'no such child');
      const history = corrections.get(child.id) ?? [];
      if (correction !== undefined) {
        const parsed = childCorrectionInput.safeParse(correction);
        if (!parsed.success) return fail('invalid_input', parsed.error.issues[0]?.message ?? 'invalid');
        const { reason, corrected_by, ...changes } = parsed.data;
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
      const parsed = startSessionInput.safeParse(input);
      if (!parsed.success) return fail('invalid_input', parsed.error.issues[0]?.message ?? 'invalid');
      const child = children.get(parsed.data.child_id);
      if (!child) return fail('not_found', 'no such child');
      if (!mat.connected) return fail('mat_unavailable', 'the mat is not connected');
      const s: SessionState = {
        session_id: nextId('s'),
        child_id: child.id,
        mat_id: mat.mat_id,
        position: parsed.data.position ?? (ageInDays(child.birth_date, services.today) < 731 ? 'l' : 'h'),
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
      emit('session', s);
      return ok(s);
    },
    getSession: session,
    setManualWeight(id, input) {
      const found = session(id);
      if (!found.ok) return found;
      const weight = (input as { weight_kg?: unknown }).weight_kg;
      if (typeof weight !== 'number' || !(weight > 0.5 && weight < 40))
        return fail('invalid_input', 'weight_kg out of range');
      found.value.manual_weight_kg = weight;
      refresh(found.value);
      return found;
    },
    restartReadings(id) {
      const found = session(id);
      if (!found.ok) return found;
      found.value.length.readings = [];
      refresh(found.value);
      return found;
    },
    async saveSession(id) {
      const found = session(id);
      if (!found.ok) return found;
      const s = found.value;
      if (s.phase !== 'complete' || s.length.result === null)
        return fail('session_state', 'readings not complete');
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
      return ok(result);
    },
    cancelSession(id) {
      const found = session(id);
      if (found.ok) found.value.phase = 'cancelled';
      return found;
    },
    sessionScreen: (id) => session(id),
    async findSameChild(input) {
      const { name, birth_date, mother_name } = input as Record<string, string>;
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
    async saveManualMeasurement() {
      return fail('invalid_input', 'not in the fake');
    },
    async listMeasurements(childId) {
      if (typeof childId !== 'string' || !children.has(childId)) return fail('not_found', 'no such child');
      return ok(measurements.filter((m) => m.child_id === childId).reverse());
    },
    async getMeasurement(id) {
      const found = measurements.find((m) => m.id === id);
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
      if (matId !== mat.mat_id) return fail('not_found', 'no such mat');
      const parsed = calibrationCheckInput.safeParse(input);
      if (!parsed.success) return fail('invalid_input', parsed.error.issues[0]?.message ?? 'invalid');
      const referenceMm = parsed.data.reference_mm;
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
        return fail('invalid_input', 'phone_time');
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
        return fail('invalid_input', 'phone_time');
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
