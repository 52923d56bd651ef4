import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['packages/test-kit/test/sigint/victim.test.ts'], testTimeout: 900_000 },
});
