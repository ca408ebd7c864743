// e-PPGBM as an Excel workbook (exceljs): the same columns and cells as the CSV, numbers stored as numbers
// with a fixed number of decimals shown, so Excel's locale decides comma or point and nothing is re-typed.
import ExcelJS from 'exceljs';
import {
  type EppgbmLayout,
  type EppgbmPlace,
  type EppgbmRow,
  eppgbmCells,
  eppgbmColumnsOf,
  type Tick,
} from './eppgbm.ts';

export async function eppgbmXlsx(
  rows: readonly EppgbmRow[],
  place: EppgbmPlace,
  tick?: Tick,
  layout: EppgbmLayout = 'tikar',
): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Tikar';
  const sheet = workbook.addWorksheet('e-PPGBM', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = eppgbmColumnsOf(layout).map((column) => ({
    header: column.header,
    key: column.header,
    width: Math.max(10, column.header.length + 2),
    ...(column.digits !== undefined ? { style: { numFmt: column.digits === 1 ? '0.0' : '0.00' } } : {}),
  }));
  sheet.getRow(1).font = { bold: true };
  rows.forEach((row, index) => {
    // NIK and dates stay text: a 16-digit NIK would lose digits as an Excel number.
    sheet.addRow(eppgbmCells(row, place, layout).map((cell) => (cell === undefined ? null : cell)));
    tick?.(index + 1);
  });
  const buffer = await workbook.xlsx.writeBuffer();
  return new Uint8Array(buffer as ArrayBuffer);
}
