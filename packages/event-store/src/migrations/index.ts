import { CreateEventStore1795305600000 } from './1795305600000-create-event-store.js';
import { CreateConsumerTables1795305600001 } from './1795305600001-create-consumer-tables.js';

export { CreateEventStore1795305600000, CreateConsumerTables1795305600001 };

/** Add these to a service's DataSource `migrations` (with its own); never use `synchronize`. */
export const eventStoreMigrations = [CreateEventStore1795305600000, CreateConsumerTables1795305600001];
