// Tables the CSV engine would otherwise compute at every start (in every `tikar zscore` process and every
// worker thread): `npm run build` computes them once, from these same sources, writes their bytes into one
// file beside the engine bundle (dist/zscore-tables.bin) and their places into the bundle's copy of this
// module (scripts/build.ts fills PREBUILT there). The bundle reads the file once and views each table in it,
// without a copy or any decoding. Running from the sources (the tests), nothing is prebuilt and every table
// is computed as before. Measured: computing the text tables took 6-7 ms of the engine's 17 ms start on the
// build machine, decoding the WHO tables 3 ms; as base64 in the bundle their text cost V8 20 M instructions to
// scan. The words and doubles are stored little-endian: a big-endian machine computes its tables.
import { readFileSync } from 'node:fs';

/** The typed arrays a table may be. */
export type PrebuiltArray = Buffer | Uint8Array | Uint32Array | Float64Array;
type ArrayKind = 'Buffer' | 'Uint8Array' | 'Uint32Array' | 'Float64Array';

/** Where the tables are: the file (beside this module) and each table's kind, byte offset and length. */
interface PrebuiltIndex {
  file: string;
  tables: Record<string, [kind: ArrayKind, offset: number, bytes: number]>;
}

/** Empty in the sources, filled in the bundle by the build. */
const PREBUILT: PrebuiltIndex | undefined = undefined;

/** The line of this file the build replaces (scripts/build.ts checks that it is found). */
export const PREBUILT_MARKER = 'const PREBUILT: PrebuiltIndex | undefined = undefined;';

/** The tables' file beside the engine bundle. */
export const PREBUILT_FILE = 'zscore-tables.bin';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Tables computed in this process (by name), for the build to store. */
export const computedTables = new Map<string, { kind: ArrayKind; bytes: Uint8Array }>();

function kindOf(table: PrebuiltArray): ArrayKind {
  if (Buffer.isBuffer(table)) return 'Buffer';
  if (table instanceof Float64Array) return 'Float64Array';
  return table instanceof Uint32Array ? 'Uint32Array' : 'Uint8Array';
}

let file: Buffer | undefined;

/** The tables' file, read once; its absence is an error (`npm run build` writes it with the bundle). */
function prebuiltFile(index: PrebuiltIndex): Buffer {
  if (file === undefined) {
    const url = new URL(index.file, import.meta.url);
    try {
      const read = readFileSync(url);
      // A file of a few hundred kilobytes gets memory of its own from offset 0; copied if it ever did not.
      file = read.byteOffset % 8 === 0 ? read : Buffer.from(new Uint8Array(read));
    } catch (error) {
      throw new Error(
        `the zscore engine's tables ${url.pathname} cannot be read (run \`npm run build\`): ${error}`,
      );
    }
  }
  return file;
}

/** The table `name`: a view of its stored bytes in the bundle, else `compute()` (remembered for the build). */
export function prebuilt<T extends PrebuiltArray>(name: string, compute: () => T): T {
  const index = PREBUILT as PrebuiltIndex | undefined;
  const place = index?.tables[name];
  if (index !== undefined && place !== undefined && LITTLE_ENDIAN)
    return view(prebuiltFile(index), place) as T;
  const table = compute();
  computedTables.set(name, {
    kind: kindOf(table),
    bytes: new Uint8Array(table.buffer, table.byteOffset, table.byteLength),
  });
  return table;
}

function view(bytes: Buffer, [kind, offset, length]: PrebuiltIndex['tables'][string]): PrebuiltArray {
  // Every table starts at a multiple of 8 in the file.
  const at = bytes.byteOffset + offset;
  if (kind === 'Buffer') return Buffer.from(bytes.buffer, at, length);
  if (kind === 'Float64Array') return new Float64Array(bytes.buffer, at, length / 8);
  if (kind === 'Uint32Array') return new Uint32Array(bytes.buffer, at, length / 4);
  return new Uint8Array(bytes.buffer, at, length);
}

/** `compute` run at most once, on the first call (several tables may come from one computation). */
export function once<T>(compute: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= compute();
    return value;
  };
}

/**
 * Every table computed so far as the build stores them: the file's bytes (each table at a multiple of 8) and
 * the PREBUILT line for the bundle.
 */
export function prebuiltTables(): { bytes: Buffer; line: string } {
  const tables: PrebuiltIndex['tables'] = {};
  const parts: Buffer[] = [];
  let offset = 0;
  for (const [name, { kind, bytes }] of computedTables) {
    tables[name] = [kind, offset, bytes.byteLength];
    const padded = (bytes.byteLength + 7) & ~7;
    parts.push(Buffer.from(bytes), Buffer.alloc(padded - bytes.byteLength));
    offset += padded;
  }
  const index: PrebuiltIndex = { file: `./${PREBUILT_FILE}`, tables };
  return { bytes: Buffer.concat(parts), line: `const PREBUILT = ${JSON.stringify(index)};` };
}
