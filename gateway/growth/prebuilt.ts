// Tables the CSV engine would otherwise compute at every start (in every `tikar zscore` process and every
// worker thread): `npm run build` computes them once, from these same sources, and bakes their bytes into the
// engine bundle (scripts/build.ts fills PREBUILT there). Running from the sources (the tests), nothing is
// prebuilt and every table is computed as before. Measured: computing the text tables took 6-7 ms of the
// engine's 17 ms start on the build machine; decoding their bytes takes a few hundredths of that. The words
// and doubles are baked little-endian: a big-endian machine computes its tables.

/** The typed arrays a table may be. */
export type PrebuiltArray = Buffer | Uint8Array | Uint32Array | Float64Array;
type ArrayKind = 'Buffer' | 'Uint8Array' | 'Uint32Array' | 'Float64Array';

/** base64 of each table's bytes by name: empty in the sources, filled in the bundle by the build. */
const PREBUILT: Readonly<Record<string, string>> = {};

/** The line of this file the build replaces (scripts/build.ts checks that it is found). */
export const PREBUILT_MARKER = 'const PREBUILT: Readonly<Record<string, string>> = {};';

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Tables computed in this process (by name), for the build to bake. */
export const computedTables = new Map<string, { kind: ArrayKind; bytes: Uint8Array }>();

function kindOf(table: PrebuiltArray): ArrayKind {
  if (Buffer.isBuffer(table)) return 'Buffer';
  if (table instanceof Float64Array) return 'Float64Array';
  return table instanceof Uint32Array ? 'Uint32Array' : 'Uint8Array';
}

/** The table `name`: its baked bytes in the bundle, else `compute()` (remembered for the build). */
export function prebuilt<T extends PrebuiltArray>(name: string, compute: () => T): T {
  const text = PREBUILT[name];
  if (text !== undefined && LITTLE_ENDIAN) return decode(text, name) as T;
  const table = compute();
  computedTables.set(name, {
    kind: kindOf(table),
    bytes: new Uint8Array(table.buffer, table.byteOffset, table.byteLength),
  });
  return table;
}

/** `kind:base64` back into a table of its own memory (word-aligned). */
function decode(text: string, name: string): PrebuiltArray {
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon) as ArrayKind;
  const bytes = Buffer.from(text.slice(colon + 1), 'base64');
  if (kind === 'Buffer') return bytes;
  const table =
    kind === 'Float64Array'
      ? new Float64Array(bytes.length >> 3)
      : kind === 'Uint32Array'
        ? new Uint32Array(bytes.length >> 2)
        : new Uint8Array(bytes.length);
  new Uint8Array(table.buffer).set(bytes);
  if (table.byteLength !== bytes.length) throw new Error(`prebuilt table ${name}: ${bytes.length} bytes`);
  return table;
}

/** `compute` run at most once, on the first call (several tables may come from one computation). */
export function once<T>(compute: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= compute();
    return value;
  };
}

/** The PREBUILT line with every table computed so far, as the build writes it into the bundle. */
export function prebuiltLine(): string {
  const entries = [...computedTables].map(
    ([name, { kind, bytes }]) => [name, `${kind}:${Buffer.from(bytes).toString('base64')}`] as const,
  );
  return `const PREBUILT = ${JSON.stringify(Object.fromEntries(entries))};`;
}
