// A jest reporter that writes each package's totals to .data/test-results/<package>.json,
// so `npm test` can print one summary line for the whole suite (scripts/test.ts), with each
// package's wall time and its slowest test files (where the suite's time goes).
const fs = require('node:fs');
const path = require('node:path');

class ResultsReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    this.shard = globalConfig.shard; // { shardIndex, shardCount } under --shard
    this.startedAt = Date.now();
  }

  onRunComplete(_contexts, results) {
    const dir = path.join(__dirname, '..', '.data', 'test-results');
    fs.mkdirSync(dir, { recursive: true });
    const name = path.relative(path.join(__dirname, '..'), this.rootDir).replace(/[\\/]/g, '__') || 'root';
    const failedSuites = results.testResults
      .filter((suite) => suite.testExecError || suite.failureMessage)
      .map((suite) => path.relative(this.rootDir, suite.testFilePath));
    const files = results.testResults
      .map((suite) => ({
        file: path.relative(this.rootDir, suite.testFilePath),
        ms: Math.max(0, (suite.perfStats.end ?? 0) - (suite.perfStats.start ?? 0)),
      }))
      .sort((a, b) => b.ms - a.ms);
    // each shard of a package writes its own file; scripts/test.ts adds them up
    const shard = this.shard ? `.shard-${this.shard.shardIndex}-of-${this.shard.shardCount}` : '';
    fs.writeFileSync(
      path.join(dir, `${name}${shard}.json`),
      JSON.stringify({
        package: name,
        passed: results.numPassedTests,
        failed: results.numFailedTests,
        skipped: results.numPendingTests + results.numTodoTests,
        failedSuites,
        suitesFailedToRun: results.numRuntimeErrorTestSuites,
        startedAt: this.startedAt,
        wallMs: Date.now() - this.startedAt,
        files,
      }),
    );
  }
}

module.exports = ResultsReporter;
