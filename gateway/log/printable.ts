// Untrusted text quoted back in an error message: control characters (escape codes that would drive the
// terminal, NUL, line breaks) and lone surrogates are shown as escapes, and the text is cut short.

const unprintable =
  /[\p{Cc}\u2028\u2029]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;

/** `text` safe to print in one line of an error message, at most `maxChars` characters of it. */
export function printable(text: string, maxChars = 60): string {
  const cut = text.length > maxChars ? `${text.slice(0, maxChars)}...` : text;
  return cut.replace(unprintable, (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}
