// Issue 11 item 7: a link carries one mat. Valid frames of another device id are counted and dropped: never
// converted with the mat's calibration, never a new identity.
import { describe, expect, it } from 'vitest';
import { invertModel, simCalibrationProfiles } from '../../../calibration/index.ts';
import { type CalibratedSample, MatConnection } from '../../../gateway/ingest/mat-connection.ts';
import { createLogger } from '../../../gateway/log/logger.ts';
import { encodeFrame, type Frame } from '../../../protocol/index.ts';
import { ScriptedMat } from '../../integration/scripted-mat.ts';

const profiles = simCalibrationProfiles('SIM-0001');
const log = createLogger('test.binding');

function line(device: string, seq: number, type: Frame['type'], payload: unknown): Buffer {
  return Buffer.from(`${encodeFrame({ v: 1, device, seq, type, payload } as Frame)}\n`);
}
const sampleAt = (mm: number, tMs: number) => ({
  channel: 'length',
  counts: Math.round(invertModel(profiles.length.model, mm)),
  t_ms: tMs,
});
const hello = { firmware: 'x', protocol: 1, sensors: ['length'], calibration_id: null };

describe('mat link bound to one device id', () => {
  it('drops samples and a hello from another device, and shows the conflict', () => {
    const link = new ScriptedMat();
    const mat = new MatConnection({ link, profiles: [profiles.length, profiles.weight], log });
    const samples: CalibratedSample[] = [];
    mat.on('sample', (sample) => samples.push(sample));
    link.hello();
    for (let i = 0; i < 20; i++) {
      link.emit('data', line('SIM-0001', 100 + i, 'sample', sampleAt(583, i * 40)));
      // A second board (or a forger) with valid CRCs, counts that would read 62.9 cm
      link.emit('data', line('SIM-0002', 500 + i, 'sample', sampleAt(629, i * 40)));
    }
    link.emit('data', line('SIM-0002', 600, 'hello', hello));
    expect(mat.deviceId).toBe('SIM-0001');
    expect(samples).toHaveLength(20);
    for (const sample of samples) expect(sample.value).toBeCloseTo(583, 0);
    expect(mat.counters.framesForeign).toBe(21);
    expect(mat.foreignDeviceId).toBe('SIM-0002');
  });

  it('binds afresh after a reconnect (another mat may be plugged in)', () => {
    const link = new ScriptedMat();
    const mat = new MatConnection({ link, profiles: [profiles.length], log });
    link.hello();
    link.emit('down', { reason: 'unplugged' });
    link.emit('up', { gapMs: 1000 });
    link.emit('data', line('SIM-0002', 0, 'hello', hello));
    expect(mat.deviceId).toBe('SIM-0002');
    expect(mat.counters.framesForeign).toBe(0);
  });
});
