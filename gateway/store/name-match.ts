// Finding a child by a name typed by a kader: Indonesian names are spelled many ways (old Dutch-era spelling
// oe/dj/tj/j/sj/ch, doubled letters, y/i, h dropped), so both sides are reduced to a key and compared by
// edit distance, token by token.

const spellingRules: readonly [RegExp, string][] = [
  [/oe/g, 'u'],
  [/dj/g, 'j'],
  [/tj/g, 'c'],
  [/sj/g, 'sy'],
  [/ch/g, 'kh'],
  [/j(?=[aeiou])/g, 'y'], // old spelling: "Jusuf" = "Yusuf"
  [/y/g, 'i'],
  [/ph/g, 'f'],
  [/v/g, 'f'],
  [/q/g, 'k'],
  [/z/g, 's'],
  [/h\b/g, ''], // final h is often dropped: "Fatimah" / "Fatima"
  [/(.)\1+/g, '$1'], // doubled letters: "Annisa" / "Anisa"
];

/** A comparable key: lower case, accents and punctuation removed, spelling variants folded. */
export function nameKey(name: string): string {
  let key = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  for (const [pattern, replacement] of spellingRules) key = key.replace(pattern, replacement);
  return key;
}

function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function tokenSimilarity(a: string, b: string): number {
  if (b.startsWith(a) && a.length >= 3) return 0.95; // typing the start of a name
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 1 : 1 - editDistance(a, b) / longest;
}

/**
 * Similarity 0..1 of a query key to a name key: each query word is matched to its best word of the name,
 * so "siti" finds "Siti Nurhaliza" and "nurhalisa siti" finds it too.
 */
export function nameSimilarity(queryKey: string, candidateKey: string): number {
  const queryTokens = queryKey.split(' ').filter((t) => t.length > 0);
  const candidateTokens = candidateKey.split(' ').filter((t) => t.length > 0);
  if (queryTokens.length === 0 || candidateTokens.length === 0) return 0;
  let total = 0;
  for (const token of queryTokens) {
    total += Math.max(...candidateTokens.map((candidate) => tokenSimilarity(token, candidate)));
  }
  return total / queryTokens.length;
}
