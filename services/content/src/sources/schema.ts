import gql from 'graphql-tag';

/** The content subgraph's part for Serelo sources; ../schema.ts merges every feature's. Side-effect free. */
export const sourcesTypeDefs = gql`
  """
  A file uploaded to a project as reference material (uploads are multipart: REST's
  POST /api/v1/sources/projects/{project_id}/sources). Parsed by a document_parsing job.
  """
  type Source @key(fields: "id") {
    id: ID!
    projectId: ID!
    project: Project!
    "the user who uploaded it"
    userId: ID!
    filename: String!
    "pdf, docx, md, txt or csv, as learned from the file's content"
    fileType: String!
    "bytes"
    fileSize: Int!
    "where the file is in object storage"
    storageKey: String!
    "uploaded (queued for parsing), parsing, parsed or failed (see errorMessage)"
    status: String!
    "the extracted text, once parsed"
    parsedText: String
    "why parsing failed, in the parser's words"
    errorMessage: String
    wordCount: Int
    "pages of a PDF; null for formats without pages"
    pageCount: Int
    "the document's headings in order (Markdown headings, DOCX heading styles, a PDF's outline)"
    headings: [SourceHeading!]!
    "CSV sources: how many data rows (header excluded)"
    rowCount: Int
    metadata: [SourceMetadataEntry!]!
    "the source's document_parsing job"
    jobId: ID!
    createdAt: String!
    updatedAt: String!
    parsedAt: String
  }

  type SourceHeading {
    "1-6"
    depth: Int!
    text: String!
  }

  type SourceMetadataEntry {
    key: String!
    value: String!
  }

  "at most 50 entries; keys 1-100 characters, values up to 1,000"
  input SourceMetadataEntryInput {
    key: String!
    value: String!
  }

  type SourcePage {
    items: [Source!]!
    total: Int!
  }

  extend type Project @key(fields: "id") {
    "the project's sources, newest first (status and fileType filters; limit 1-100, default 100)"
    sources(status: String, fileType: String, limit: Int, offset: Int): SourcePage!
  }

  extend type Query {
    "a project's sources, newest first; another user's project is NOT_FOUND"
    sources(projectId: ID!, status: String, fileType: String, limit: Int, offset: Int): SourcePage!
    "one of the caller's sources; another user's is NOT_FOUND"
    source(id: ID!): Source!
  }

  extend type Mutation {
    "absent fields are unchanged; metadata replaces the whole set"
    updateSource(id: ID!, filename: String, metadata: [SourceMetadataEntryInput!]): Source!
    "deletes the source, its stored file and its extracted text; cannot be undone"
    deleteSource(id: ID!): Boolean!
  }
`;
