const preset = require('../../jest.preset.js')(__dirname);

// unpdf's CommonJS entry loads PDF.js with a native import() of an ESM-only file, which jest's
// module system cannot run: point jest at unpdf's ESM files and let swc compile them like the rest.
const swc = preset.transform['^.+\\.(t|j)sx?$'];
module.exports = {
  ...preset,
  transform: { ...preset.transform, '^.+unpdf/dist/.+\\.mjs$': swc },
  moduleNameMapper: {
    '^unpdf$': require.resolve('unpdf').replace(/index\.cjs$/, 'index.mjs'),
    '^unpdf/pdfjs$': require.resolve('unpdf').replace(/index\.cjs$/, 'pdfjs.mjs'),
    ...preset.moduleNameMapper,
  },
};
