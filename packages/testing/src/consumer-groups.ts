import { randomBytes } from 'node:crypto';
import { allEvents, topicFor } from '@seren/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { infraEndpoints } from './endpoints.js';

/**
 * A Kafka consumer group of its own for one service instance under test, already positioned at the
 * current end of `topics` (default: every topic of the contracts).
 *
 * Instances sharing a group split the topics' partitions, so one test's events would be consumed by
 * another test's instance and land in its database (parallel jest workers, other packages' tests).
 * A brand-new group would instead replay every topic from the beginning; committing the current
 * end offsets first makes it read exactly the events appended after it was made.
 */
export async function freshConsumerGroup(
  label: string,
  topics: readonly string[] = [...new Set(allEvents.map(topicFor))],
): Promise<string> {
  const groupId = `test-${label}-${randomBytes(6).toString('hex')}`;
  const kafka = new Kafka({
    clientId: 'seren-test-consumer-groups',
    brokers: infraEndpoints()
      .kafkaBrokers.split(',')
      .map((b) => b.trim()),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  let ends: { topic: string; offsets: { partition: number; high: string }[] }[];
  try {
    const existing = new Set(await admin.listTopics());
    // a topic that does not exist yet is created by the service's consumer and read from its empty start
    ends = await Promise.all(
      topics
        .filter((t) => existing.has(t))
        .map(async (topic) => ({ topic, offsets: await admin.fetchTopicOffsets(topic) })),
    );
  } finally {
    await admin.disconnect();
  }
  if (ends.length === 0) return groupId;
  // admin.setOffsets joins the group once per topic (seconds each); one paused member seeking every
  // partition commits them all in one join, the way setOffsets does for one topic.
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: ends.map((e) => e.topic) });
    await new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.FETCH, () => consumer.stop().then(resolve, reject));
      consumer.run({ eachBatchAutoResolve: false, eachBatch: async () => {} }).catch(reject);
      consumer.pause(ends.map(({ topic }) => ({ topic })));
      for (const { topic, offsets } of ends)
        for (const { partition, high } of offsets) consumer.seek({ topic, partition, offset: high });
    });
  } finally {
    await consumer.disconnect();
  }
  return groupId;
}

/**
 * The consumer-group settings of every service (each service's README lists its own), with the
 * group's label and the topics it reads.
 */
const serviceGroups = {
  AUDIT_LOG_GROUP: { label: 'identity.audit-log' },
  WALLET_RECOVERY_GROUP: { label: 'commerce.wallet-recovery' },
  PUBLISHER_USAGE_GROUP: { label: 'commerce.publisher-usage' },
  PUBLISHER_CACHE_GROUP: { label: 'commerce.publisher-cache', topics: ['commerce.publisher'] },
  CONTENT_BILLING_CUSTOMERS_GROUP: { label: 'content.billing-customers', topics: ['identity.user'] },
  LOCATION_DEFAULTS_GROUP: { label: 'crm.location-defaults' },
  WEBHOOKS_GROUP: { label: 'crm.webhooks' },
  DOMAIN_ORGANIZATIONS_GROUP: { label: 'crm.domain-organizations' },
  AUTOMATION_TRIGGERS_GROUP: { label: 'crm.automation-triggers' },
} satisfies Record<string, { label: string; topics?: string[] }>;

export type ConsumerGroupEnv = Record<keyof typeof serviceGroups, string>;

/**
 * A fresh group (freshConsumerGroup) for every consumer of every service, as the settings that name
 * them: spread it into each service's env when the services run on Kafka next to other tests' instances.
 */
export async function freshConsumerGroupEnv(): Promise<ConsumerGroupEnv> {
  const entries = await Promise.all(
    Object.entries(serviceGroups).map(
      async ([setting, group]) =>
        [
          setting,
          await freshConsumerGroup(group.label, 'topics' in group ? group.topics : undefined),
        ] as const,
    ),
  );
  return Object.fromEntries(entries) as ConsumerGroupEnv;
}
