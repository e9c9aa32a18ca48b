const path = require('node:path');
const preset = require('../../jest.preset.js')(__dirname);

const root = path.join(__dirname, '..', '..');
// The REST tests run the gateway (and the content subgraph it joins) in-process in front of
// identity: resolve the services to their sources like the preset does for packages/. Not a
// package dependency: the gateway depends on identity, and turbo refuses cycles.
module.exports = {
  ...preset,
  moduleNameMapper: {
    '^@seren/(identity|crm|content|commerce|gateway)$': path.join(root, 'services/$1/src/index.ts'),
    '^@seren/(identity|crm|content|commerce|gateway)/dist/(.*)\\.js$': path.join(
      root,
      'services/$1/src/$2.ts',
    ),
    ...preset.moduleNameMapper,
  },
};
