// PostgreSQL URLs, without loading pg (a village box on SQLite never does).

export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//.test(value);
}

/** The URL without its password, for logs and banners. */
export function redactPgUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(invalid url)';
  }
}
