// A small RFC 4180 reader for the history files a posyandu brings (a few thousand rows): quoted fields,
// doubled quotes, CRLF or LF, a UTF-8 byte-order mark, and ';' as the separator when the header uses it
// (Excel in Indonesian writes ';' with decimal commas). Every record keeps the line it starts on.

export interface CsvRecord {
  /** 1-based line number of the record's first character in the file. */
  line: number;
  cells: string[];
}

export type CsvText =
  | { ok: true; delimiter: ',' | ';'; header: string[]; records: CsvRecord[] }
  | { ok: false; line: number; message: string };

/** The header line's separator: ';' when it has more of them than commas. */
function delimiterOf(text: string): ',' | ';' {
  const end = text.search(/\r?\n/);
  const first = end < 0 ? text : text.slice(0, end);
  const count = (ch: string) => first.split(ch).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

export function readCsvText(input: string): CsvText {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const delimiter = delimiterOf(text);
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let i = 0;
  const endRecord = () => {
    cells.push(cell);
    // A blank line is no record.
    if (!(cells.length === 1 && cells[0] === '')) records.push({ line: recordLine, cells });
    cells = [];
    cell = '';
  };
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && cell === '') quoted = true;
    else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      endRecord();
      if (ch === '\r' && text[i + 1] === '\n') i++;
      line++;
      recordLine = line;
    } else cell += ch;
    i++;
  }
  if (quoted) return { ok: false, line: recordLine, message: 'a quoted field is not closed' };
  if (cell !== '' || cells.length > 0) endRecord();
  const [first, ...rest] = records;
  if (!first) return { ok: false, line: 1, message: 'the file is empty: no header line' };
  return { ok: true, delimiter, header: first.cells.map((h) => h.trim()), records: rest };
}
