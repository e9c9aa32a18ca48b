// Apache Kafka 3.9 as one KRaft node (broker and controller in one JVM), run from the jars Maven
// Central serves for org.apache.kafka:kafka_2.13, fetched by infra/kafka/pom.xml.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { step, type Log } from './log.ts';
import { run, spawnDetached } from './process.ts';
import { locate, type Part } from './part.ts';
import type { Settings } from './settings.ts';

/** The one place the broker version is chosen; passed to the pom as -Dkafka.version. */
export const KAFKA_VERSION = '3.9.1';

const JAVA_MISSING =
  'Java not found: install a Java 17 runtime (e.g. apt-get install openjdk-17-jre-headless) and put `java` on PATH';
const MAVEN_MISSING =
  'Maven not found: install it (e.g. apt-get install maven); it is needed once to fetch the Kafka jars from Maven Central';

export interface KafkaFiles {
  serverProperties: string;
  log4jProperties: string;
  clusterId: string;
  /** the broker's data (Kafka calls it log.dirs) */
  logDirs: string;
  pidFile: string;
  logFile: string;
}

/** Where a broker keeps its settings, cluster id, data, pid and log, under `dir`. */
export function kafkaFiles(dir: string): KafkaFiles {
  return {
    serverProperties: join(dir, 'server.properties'),
    log4jProperties: join(dir, 'log4j.properties'),
    clusterId: join(dir, 'cluster-id'),
    logDirs: join(dir, 'data'),
    pidFile: join(dir, 'kafka.pid'),
    logFile: join(dir, 'kafka.log'),
  };
}

/** The jars of KAFKA_VERSION in the cache. */
export const kafkaLibs = (settings: Settings) => join(settings.cacheDir, `kafka-${KAFKA_VERSION}`, 'libs');

export function kafkaPart(settings: Settings): Part {
  const dir = join(settings.dataDir, 'kafka');
  const libs = kafkaLibs(settings);
  const files = kafkaFiles(dir);
  const { kafka: port, kafkaController: controllerPort } = settings.ports;
  const { address, externalFrom } = locate(settings, 'kafkaBrokers');

  return {
    name: 'kafka',
    address,
    externalFrom,
    dir,
    pidFile: files.pidFile,
    logFile: files.logFile,
    processMarker: 'kafka.Kafka',
    ports: [port, controllerPort],
    stopSignal: 'SIGTERM',
    readyTimeoutMs: 120_000,
    provision: async (log) => {
      await run('java', ['-version'], { missingHint: JAVA_MISSING });
      await fetchJars(settings.repoRoot, libs, log);
      writeFileSync(files.serverProperties, serverProperties(port, controllerPort, files.logDirs));
      writeFileSync(files.log4jProperties, LOG4J_PROPERTIES);
      await formatStorage(libs, files, log);
    },
    start: () =>
      spawnDetached({
        command: 'java',
        args: [
          // a small heap: one broker for tests on a laptop or CI runner
          '-Xms256m',
          '-Xmx512m',
          '-XX:+UseG1GC',
          '-XX:+ExitOnOutOfMemoryError',
          '-Djava.awt.headless=true',
          `-Dlog4j.configuration=file:${files.log4jProperties}`,
          '-cp',
          `${libs}/*`,
          'kafka.Kafka',
          files.serverProperties,
        ],
        cwd: dir,
        logFile: files.logFile,
        pidFile: files.pidFile,
      }),
    probe: () => describeCluster(address),
  };
}

/** Copies the broker's runtime jars into the cache; a complete `libs` directory means done. */
async function fetchJars(repoRoot: string, libs: string, log: Log): Promise<void> {
  if (existsSync(join(libs, `kafka_2.13-${KAFKA_VERSION}.jar`))) return;
  await run('mvn', ['--version'], { missingHint: MAVEN_MISSING });
  // Maven copies into a staging directory renamed at the end, so an interrupted download is
  // never mistaken for a complete one.
  const staging = `${libs}.partial-${process.pid}`;
  try {
    await step(log, `fetching Kafka ${KAFKA_VERSION} jars from Maven Central`, () =>
      run(
        'mvn',
        [
          '-q',
          '-B',
          '-f',
          join(repoRoot, 'infra', 'kafka', 'pom.xml'),
          `-Dkafka.version=${KAFKA_VERSION}`,
          'dependency:copy-dependencies',
          `-DoutputDirectory=${staging}`,
          '-DincludeScope=runtime',
        ],
        { missingHint: MAVEN_MISSING },
      ),
    );
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  rmSync(libs, { recursive: true, force: true });
  renameSync(staging, libs);
}

/** Formats the KRaft log directory once; the cluster id is kept beside it for later runs. */
export async function formatStorage(libs: string, files: KafkaFiles, log: Log): Promise<void> {
  if (existsSync(join(files.logDirs, 'meta.properties'))) return;
  mkdirSync(files.logDirs, { recursive: true });
  const clusterId = existsSync(files.clusterId)
    ? readFileSync(files.clusterId, 'utf8').trim()
    : newClusterId();
  writeFileSync(files.clusterId, `${clusterId}\n`);
  await step(log, `formatting KRaft storage (cluster ${clusterId})`, () =>
    run('java', [
      `-Dlog4j.configuration=file:${files.log4jProperties}`,
      '-cp',
      `${libs}/*`,
      'kafka.tools.StorageTool',
      'format',
      // One argument with `=`: a base64url id may begin with '-', which argparse would read as an option.
      `--cluster-id=${clusterId}`,
      '-c',
      files.serverProperties,
      '--ignore-formatted',
    ]),
  );
}

/** Kafka's own format (`StorageTool random-uuid`): 16 random bytes, base64url without padding. */
export function newClusterId(): string {
  return Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url');
}

export function serverProperties(port: number, controllerPort: number, logDirs: string): string {
  const settings: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': logDirs,
    // one node: every internal topic has exactly one replica
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    // fewer internal partitions than the production default of 50: the first consumer group
    // and the first transaction come up in a fraction of the time on a small machine
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.num.partitions': 10,
    // tests join consumer groups constantly; the default 3 s delay would slow each of them
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': true,
    'num.partitions': 3,
    'default.replication.factor': 1,
  };
  const lines = Object.entries(settings).map(([key, value]) => `${key}=${value}`);
  return `# Generated by infra/lib/kafka.ts on every infra:up; edit that file instead.\n${lines.join('\n')}\n`;
}

// Warnings and errors, plus the few lines that say the server started or stopped.
const LOG4J_PROPERTIES = `# Generated by infra/lib/kafka.ts.
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaRaftServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
`;

async function describeCluster(brokers: string): Promise<void> {
  const kafka = new kafkajs.Kafka({
    clientId: 'seren-infra-probe',
    brokers: brokers.split(','),
    connectionTimeout: 2_000,
    requestTimeout: 3_000,
    retry: { retries: 0 },
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('the cluster has no registered broker yet');
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
