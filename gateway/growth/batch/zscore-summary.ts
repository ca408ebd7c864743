// What a `tikar zscore` run shares with its engine without loading it (the engine's WHO and text tables
// load with zscore-csv.ts): the run's summary, the error that stops a run, and the longest row.

/** A row longer than this (an unclosed quote, or not a CSV at all) stops the run. */
export const MAX_ROW_BYTES = 1 << 20;

/** How many error messages the summary keeps. */
export const MAX_FIRST_ERRORS = 5;

export interface ZscoreCsvSummary {
  /** Data rows read (blank lines are skipped and not counted). */
  rows: number;
  errorRows: number;
  /** Bad rows per column named in their error (e.g. { sex: 2, weight_kg: 1 }). */
  errorsByColumn: Record<string, number>;
  /** The first few errors: data row number (1-based, header not counted) and message. */
  firstErrors: { row: number; message: string }[];
  /** z-scores flagged as biologically implausible. */
  flagged: number;
}

/** A problem that stops the whole run (no usable header, a runaway row); rows get `error` instead. */
export class CsvFatalError extends Error {
  override readonly name = 'CsvFatalError';
}

/** Adds a batch's summary to the running total; the batch's rows come after the total's. */
export function mergeSummary(total: ZscoreCsvSummary, batch: ZscoreCsvSummary): void {
  for (const error of batch.firstErrors) {
    if (total.firstErrors.length < MAX_FIRST_ERRORS) {
      total.firstErrors.push({ row: total.rows + error.row, message: error.message });
    }
  }
  total.rows += batch.rows;
  total.errorRows += batch.errorRows;
  total.flagged += batch.flagged;
  for (const [column, count] of Object.entries(batch.errorsByColumn)) {
    total.errorsByColumn[column] = (total.errorsByColumn[column] ?? 0) + count;
  }
}

export function emptySummary(): ZscoreCsvSummary {
  return { rows: 0, errorRows: 0, errorsByColumn: {}, firstErrors: [], flagged: 0 };
}
