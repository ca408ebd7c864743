// Raw sensor counts → millimetres / grams. Imports nothing of the gateway.
export { applyCalibration, applyTaredWeight, evaluateModel, invertModel } from './model.ts';
export * from './profile.ts';
export { SIM_DEVICE_ID, simCalibrationProfiles, simLengthProfile, simWeightProfile } from './sim-default.ts';
