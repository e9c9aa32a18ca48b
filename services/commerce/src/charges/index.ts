// What other commerce features use of charges/: the publisher record.
export { findPublisher, publisherOfOrganization, type PublisherView } from './queries.js';
