import { resolver, type Resolvers } from '@seren/service-kit';
import type { Content } from '../application.js';
import type { PostView } from './queries.js';
import { deletePost, getPost, listProjectPosts, requestPostGeneration } from './service.js';
import { requestBulkGeneration } from './bulk.js';

interface GeneratePostArgs {
  input: {
    projectId: string;
    topic: string;
    voice: string;
    targetLength?: string | null;
    customInstructions?: string | null;
    sourceIds?: string[] | null;
    channel?: string | null;
  };
}

export function postsResolvers(content: Content): Resolvers {
  return {
    Query: {
      post: resolver(content, (c, request, args: { id: string }) => getPost(c, request, args.id)),
      posts: resolver(
        content,
        (
          c,
          request,
          args: { projectId: string; status?: string | null; limit?: number | null; offset?: number | null },
        ) => listProjectPosts(c, request, args.projectId, args),
      ),
    },
    Mutation: {
      generatePost: resolver(content, (c, request, args: GeneratePostArgs) =>
        requestPostGeneration(c, request, args.input),
      ),
      bulkGeneratePosts: resolver(content, (c, request, args: { projectId: string; csvSourceId: string }) =>
        requestBulkGeneration(c, request, args.projectId, args.csvSourceId),
      ),
      deletePost: resolver(content, (c, request, args: { id: string }) => deletePost(c, request, args.id)),
    },
    Post: {
      content: (post: PostView) =>
        post.content && {
          title: post.content.title,
          introduction: post.content.introduction,
          sections: post.content.sections,
          conclusion: post.content.conclusion,
          metaDescription: post.content.meta_description,
          metaKeywords: post.content.meta_keywords,
          markdown: post.content.markdown,
          wordCount: post.content.word_count,
        },
    },
  };
}
