const path = require('node:path');
const preset = require('../../jest.preset.js')(__dirname);

const root = path.join(__dirname, '..', '..');
// The gateway's tests start the domain services in-process and compose their subgraph schemas:
// resolve them to their sources like the preset does for packages/.
module.exports = {
  ...preset,
  moduleNameMapper: {
    '^@seren/(identity|crm|content|commerce)$': path.join(root, 'services/$1/src/index.ts'),
    '^@seren/(identity|crm|content|commerce)/dist/(.*)\\.js$': path.join(root, 'services/$1/src/$2.ts'),
    ...preset.moduleNameMapper,
  },
};
