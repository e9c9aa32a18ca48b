import { CreateEventStore1795305600000 } from './1795305600000-create-event-store.js';
import { CreateConsumerTables1795305600001 } from './1795305600001-create-consumer-tables.js';
import { IndexProcessedEventsByAge1795338000000 } from './1795338000000-index-processed-events-by-age.js';

export {
  CreateEventStore1795305600000,
  CreateConsumerTables1795305600001,
  IndexProcessedEventsByAge1795338000000,
};

/** Add these to a service's DataSource `migrations` (with its own); never use `synchronize`. */
export const eventStoreMigrations = [
  CreateEventStore1795305600000,
  CreateConsumerTables1795305600001,
  IndexProcessedEventsByAge1795338000000,
];
