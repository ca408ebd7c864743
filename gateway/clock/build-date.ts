// The day this release was built. A clock earlier than this is certainly wrong (the Pi booted without network
// time and without a battery clock). Bump it with every release.
export const BUILD_DATE = '2026-11-28T00:00:00Z';
