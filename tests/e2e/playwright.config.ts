import { defineConfig } from '@playwright/test';

// Real browsers with the built extension. A test spends most of its time waiting on a browser, so two
// workers on two cores finish the suite in about 60 % of one worker's time.
export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts$/,
  workers: 2,
  fullyParallel: false,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  outputDir: '../../test-results',
});
