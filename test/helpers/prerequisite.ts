// What the README's test command installs (the AVR toolchain, mosquitto, Chromium, …) or what sits beside the
// repository (../shared, there in CI too): a test that needs it fails, saying what is missing, instead of
// skipping, so a green run never hides a check that did not run.
export function needs(present: boolean, what: string): void {
  if (!present) throw new Error(`missing test prerequisite: ${what}`);
}
