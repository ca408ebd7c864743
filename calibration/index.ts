// Raw sensor counts → millimetres / grams. Imports nothing of the gateway.
export {
  type CalibrationValidity,
  calibrationValidity,
  checkReference,
  checkTolerance,
  type ReferenceCheck,
} from './check.ts';
export {
  DEFAULT_VALID_DAYS,
  type FitErrorKind,
  type FitRequest,
  type FitResult,
  fitCalibration,
  leastSquares,
} from './fit.ts';
export { applyCalibration, applyTaredWeight, evaluateModel, invertModel } from './model.ts';
export * from './profile.ts';
export {
  activeProfile,
  blockingCheck,
  calibrationRecordSchema,
  type DeviceCalibrationRecord,
} from './record.ts';
export { SIM_DEVICE_ID, simCalibrationProfiles, simLengthProfile, simWeightProfile } from './sim-default.ts';
