// Where the mats' calibration files are kept unless told otherwise; apart from their store
// (calibration-files.ts), so that `tikar calibrate --help` names it without loading the store and its schemas.
export const DEFAULT_CALIBRATION_DIR = './data/calibration';
