import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Gateway processes started by tests log warnings and errors only, unless a test asks for more.
    env: { TIKAR_LOG_LEVEL: process.env.TIKAR_LOG_LEVEL ?? 'warn' },
  },
});
