import gql from 'graphql-tag';

/** The content subgraph's part for posts and their generation; ../schema.ts merges every feature's. */
export const postsTypeDefs = gql`
  "A generated (or generating) Serelo post."
  type Post @key(fields: "id") {
    id: ID!
    projectId: ID!
    userId: ID!
    "the job that generates it (a bulk row's: its bulk_generation job)"
    jobId: ID!
    topic: String!
    voice: String!
    "short, medium or long"
    targetLength: String!
    customInstructions: String
    sourceIds: [ID!]!
    channel: String
    "generating, completed or failed"
    status: String!
    "null until the post is completed"
    content: PostContent
    "what wrote it: a model (provider:model) or the offline composer"
    generator: String
    wordCount: Int
    errorMessage: String
    createdAt: String!
    updatedAt: String!
  }

  type PostContent {
    title: String!
    introduction: String!
    sections: [PostSection!]!
    conclusion: String!
    metaDescription: String!
    metaKeywords: [String!]!
    markdown: String!
    wordCount: Int!
  }

  type PostSection {
    heading: String!
    content: String!
  }

  type PostPage {
    items: [Post!]!
    total: Int!
  }

  "A generation accepted: poll the job."
  type GenerationAccepted {
    jobId: ID!
    "queued"
    status: String!
    message: String!
    "posts the job generates (1, or the bulk rows accepted)"
    totalItems: Int!
  }

  input GeneratePostInput {
    projectId: ID!
    "1-200 characters"
    topic: String!
    "free: professional, casual, witty, technical; starter and above also gen_z, academic, corporate, storytelling, humorous, inspirational, conversational"
    voice: String!
    "short (800-1200 words), medium (1500-2000, the default) or long (2500-3500)"
    targetLength: String
    "at most 2000 characters"
    customInstructions: String
    "parsed sources of the project; when absent, the project's parsed documents"
    sourceIds: [ID!]
    "blog, social, email, ..."
    channel: String
  }

  extend type Query {
    "one of the caller's posts; another user's is NOT_FOUND"
    post(id: ID!): Post!
    "a project's posts, newest first (status completed, failed or generating; limit 1-100, default 50)"
    posts(projectId: ID!, status: String, limit: Int, offset: Int): PostPage!
  }

  extend type Mutation {
    """
    Starts a content_generation job. QUOTA_EXCEEDED (403) beyond the month's posts,
    VOICE_NOT_AVAILABLE (403), RATE_LIMIT_EXCEEDED (429) beyond the plan's concurrent generations.
    """
    generatePost(input: GeneratePostInput!): GenerationAccepted!
    "Starts a bulk_generation job over a parsed CSV source (topic,voice,custom_instructions columns)."
    bulkGeneratePosts(projectId: ID!, csvSourceId: ID!): GenerationAccepted!
    "deletes the post; its quota is not refunded"
    deletePost(id: ID!): Boolean!
  }
`;
