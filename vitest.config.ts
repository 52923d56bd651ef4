import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests, and end-to-end tests on real test hosts (long timeouts,
// run one file at a time so the 2-core CI machine is not oversubscribed).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/test/unit/**/*.test.ts'],
          testTimeout: 30_000,
          setupFiles: ['packages/test-kit/src/vitest/private-docker-config-setup.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['packages/*/test/e2e/**/*.e2e.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 1_200_000,
          fileParallelism: false,
          globalSetup: ['packages/test-kit/src/vitest/global-setup.ts'],
          setupFiles: ['packages/test-kit/src/vitest/private-docker-config-setup.ts'],
        },
      },
    ],
  },
});
