// The rows the reports work on: the store's `children` and `measurements` rows (model/records.ts) and the
// gateway's detail tables. Reports are pure functions of these rows; `load.ts` reads them from SQLite.
import type {
  ChildAddressRow,
  ChildRow,
  MeasurementRow,
  SasaranRow,
  VisitNoteRow,
} from '../model/records.ts';

/**
 * A child as the reports read it: its `children` row (model/records.ts) with the name and birth date a
 * gateway's children always have (the district's loader, district/summary.ts, fills them for a child it
 * knows only by pseudonym). Measurements are `MeasurementRow`s as stored.
 */
export type ReportChild = ChildRow & { name: string; birth_date: string };

export interface ReportData {
  children: readonly ReportChild[];
  /** WHO 2006 rows only: the balita reports (SKDN, recap, prevalence, e-PPGBM, FHIR) never see PAUD rows. */
  measurements: readonly MeasurementRow[];
  /** By child id; absent from files older than migration 5 and from the village record. */
  addresses?: ReadonlyMap<string, ChildAddressRow>;
  visitNotes?: readonly VisitNoteRow[];
  sasaran?: readonly SasaranRow[];
  /** Measurements scored by the WHO Reference 2007 (PAUD children from 60 months), for the PAUD list. */
  paud?: readonly MeasurementRow[];
}

/** Where a report is about, for its heading (names come from the village record when known). */
export interface ReportPlace {
  posyanduId?: string; // undefined: all posyandu in the file
  posyanduName?: string;
  villageName?: string;
}
