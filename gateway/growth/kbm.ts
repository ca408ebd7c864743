// KBM (kenaikan berat badan minimal) of the KMS: the least monthly weight gain that counts as N (naik). Used
// when a measurement is saved (the card's N/T) and by the monthly reports (SKDN, referral list); which table
// applies is a report setting (docs/reports.md).

/** KBM (kenaikan berat badan minimal): the least monthly gain counting as N, by age in months (`ageRule`). */
export interface KbmRow {
  fromMonth: number; // inclusive
  toMonth: number; // inclusive
  minGainG: number;
}

/** Buku KIA 2023 row (verify the month boundaries with the district's edition). */
export const defaultKbmTable: readonly KbmRow[] = [
  { fromMonth: 0, toMonth: 1, minGainG: 800 }, // a child in month 0 uses the 1-month row
  { fromMonth: 2, toMonth: 2, minGainG: 900 },
  { fromMonth: 3, toMonth: 3, minGainG: 800 },
  { fromMonth: 4, toMonth: 4, minGainG: 600 },
  { fromMonth: 5, toMonth: 5, minGainG: 500 },
  { fromMonth: 6, toMonth: 7, minGainG: 400 },
  { fromMonth: 8, toMonth: 11, minGainG: 300 },
  { fromMonth: 12, toMonth: 60, minGainG: 200 },
];

/** KBM in grams for a child of `ageMonths` months (ages past the table use its last row). */
export function kbmForAge(table: readonly KbmRow[], ageMonths: number): number {
  for (const row of table) if (ageMonths <= row.toMonth) return row.minGainG;
  return table[table.length - 1]?.minGainG ?? 0;
}
