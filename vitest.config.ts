import { defineConfig } from 'vitest/config';

// Integration tests drive a real Docker engine on a 2-core machine: run files
// one at a time so their environments do not fight for the CPUs.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'main/**/*.test.ts', 'renderer/src/**/*.test.ts', 'e2e/**/*.test.ts'],
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 600_000,
    reporters: ['default'],
  },
});
