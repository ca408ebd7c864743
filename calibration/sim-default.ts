// The factory calibration of the simulated mat (device/sim), so a gateway converts its counts out of the box.
// device/sim's sensor model is defined by these very models (it inverts them), so they are exact for the sim;
// a real mat needs `tikar calibrate`.
import type { CalibrationProfile } from './profile.ts';

/** Device id the simulator uses unless told otherwise. */
export const SIM_DEVICE_ID = 'SIM-0001';

/** Draw-wire potentiometer on a 16-bit oversampled ADC: about 0.02 mm per count, slightly non-linear. */
export const simLengthProfile: CalibrationProfile = {
  id: 'cal-sim-length-factory',
  deviceId: SIM_DEVICE_ID,
  channel: 'length',
  model: { offset: -30, gain: 0.0215, quadratic: 1.2e-8 },
  points: [],
  residuals: [],
  createdAt: '2026-01-01T00:00:00+07:00',
  createdBy: 'factory (simulator)',
  expiresAt: '2100-01-01T00:00:00+07:00',
};

/** Load cell on a 24-bit bridge ADC: 20 counts per gram, zero load near 84,000 counts. */
export const simWeightProfile: CalibrationProfile = {
  id: 'cal-sim-weight-factory',
  deviceId: SIM_DEVICE_ID,
  channel: 'weight',
  model: { offset: -4200, gain: 0.05, quadratic: 0 },
  points: [],
  residuals: [],
  createdAt: '2026-01-01T00:00:00+07:00',
  createdBy: 'factory (simulator)',
  expiresAt: '2100-01-01T00:00:00+07:00',
};

/** Profiles for a simulated mat with another device id (same models, ids that name the device). */
export function simCalibrationProfiles(deviceId: string = SIM_DEVICE_ID): {
  length: CalibrationProfile;
  weight: CalibrationProfile;
} {
  if (deviceId === SIM_DEVICE_ID) return { length: simLengthProfile, weight: simWeightProfile };
  return {
    length: { ...simLengthProfile, id: `cal-${deviceId}-length-factory`, deviceId },
    weight: { ...simWeightProfile, id: `cal-${deviceId}-weight-factory`, deviceId },
  };
}
