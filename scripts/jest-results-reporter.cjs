// A jest reporter that writes each package's totals to .data/test-results/<package>.json,
// so `npm test` can print one summary line for the whole suite (scripts/test.ts).
const fs = require('node:fs');
const path = require('node:path');

class ResultsReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const dir = path.join(__dirname, '..', '.data', 'test-results');
    fs.mkdirSync(dir, { recursive: true });
    const name = path.relative(path.join(__dirname, '..'), this.rootDir).replace(/[\\/]/g, '__') || 'root';
    const failedSuites = results.testResults
      .filter((suite) => suite.testExecError || suite.failureMessage)
      .map((suite) => path.relative(this.rootDir, suite.testFilePath));
    fs.writeFileSync(
      path.join(dir, `${name}.json`),
      JSON.stringify({
        package: name,
        passed: results.numPassedTests,
        failed: results.numFailedTests,
        skipped: results.numPendingTests + results.numTodoTests,
        failedSuites,
        suitesFailedToRun: results.numRuntimeErrorTestSuites,
      }),
    );
  }
}

module.exports = ResultsReporter;
