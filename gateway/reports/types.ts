// The rows the reports work on: the store's `children` and `measurements` tables (docs/architecture.md,
// Store) in camelCase. Reports are pure functions of these rows; `load.ts` reads them from SQLite.

export type Sex = 1 | 2; // WHO coding: 1 male, 2 female
export type Position = 'l' | 'h'; // l recumbent length (terlentang), h standing height (berdiri)

export interface ReportChild {
  id: string;
  pseudoId: string;
  name: string;
  sex: Sex;
  birthDate: string; // YYYY-MM-DD
  nik: string | null;
  motherName: string | null;
  posyanduId: string;
  villageId: string;
  hasKia: boolean;
}

/** 1 = implausible (WHO flag), 0 = plausible, null = no z-score. */
export type ImplausibleFlag = 0 | 1 | null;

export interface ReportMeasurement {
  id: string;
  childId: string;
  posyanduId: string;
  villageId: string;
  measuredAt: string; // ISO 8601 with offset
  measuredOn: string; // YYYY-MM-DD, local date at the posyandu
  ageDays: number;
  position: Position;
  lenheiCm: number | null; // as measured
  clenheiCm: number | null; // corrected for position (±0.7 cm) as the z-scores used it
  weightKg: number | null;
  headcCm: number | null;
  oedema: boolean;
  zlen: number | null;
  zwei: number | null;
  zwfl: number | null;
  zbmi: number | null;
  zhc: number | null;
  flen: ImplausibleFlag;
  fwei: ImplausibleFlag;
  fwfl: ImplausibleFlag;
  fbmi: ImplausibleFlag;
  fhc: ImplausibleFlag;
  supersedesId: string | null; // a correction names the row it replaces; the replaced row no longer counts
  source: string;
}

/** Where to find a child for a home visit (gateway-only table `child_addresses`). */
export interface ReportAddress {
  dusun: string | null;
  rt: string | null;
  rw: string | null;
  phone: string | null;
}

/** What was given at a visit (table `visit_notes`): null = not recorded. */
export interface ReportVisitNote {
  childId: string;
  visitOn: string; // YYYY-MM-DD
  vitaminA: boolean | null;
  asiEksklusif: boolean | null;
}

/** The month's target count of balita in a posyandu's area, set by the bidan or KPM (table `sasaran`). */
export interface ReportSasaran {
  posyanduId: string;
  month: string; // YYYY-MM
  balita: number;
}

/** A PAUD child's measurement (60-84 months, WHO Reference 2007) with its Permenkes 5-18 status codes. */
export interface PaudMeasurement extends ReportMeasurement {
  statusTbu: string | null;
  statusImtu: string | null;
}

export interface ReportData {
  children: readonly ReportChild[];
  /** WHO 2006 rows only: the balita reports (SKDN, recap, prevalence, e-PPGBM, FHIR) never see PAUD rows. */
  measurements: readonly ReportMeasurement[];
  /** By child id; absent from files older than migration 5 and from the village record. */
  addresses?: ReadonlyMap<string, ReportAddress>;
  visitNotes?: readonly ReportVisitNote[];
  sasaran?: readonly ReportSasaran[];
  /** Measurements scored by the WHO Reference 2007 (PAUD children from 60 months), for the PAUD list. */
  paud?: readonly PaudMeasurement[];
}

/** Where a report is about, for its heading (names come from the village record when known). */
export interface ReportPlace {
  posyanduId?: string; // undefined: all posyandu in the file
  posyanduName?: string;
  villageName?: string;
}
