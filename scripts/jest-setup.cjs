// Runs before every test file (jest.preset.js's setupFiles).
const path = require('node:path');

// Temporal workflow bundles are kept between test files and processes (service-kit's worker.ts):
// jest gives each file a module registry of its own, so each file that started a service with a
// worker used to bundle its workflows again (webpack, seconds each).
process.env.SEREN_WORKFLOW_BUNDLE_CACHE ??= path.join(__dirname, '..', '.data', 'workflow-bundles');
