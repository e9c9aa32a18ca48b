import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// Serelo's post: in full (GET /posts/{post_id}) and as a list item (GET .../posts).

export const PostFields = graphql(`
  fragment SereloPost on Post {
    id
    projectId
    userId
    topic
    voice
    status
    generator
    createdAt
    content {
      title
      introduction
      sections {
        heading
        content
      }
      conclusion
      metaDescription
      metaKeywords
      markdown
      wordCount
    }
  }
`);

const statusSchema = z.enum(['generating', 'completed', 'failed']);
type PostStatus = z.infer<typeof statusSchema>;

export const postSchema = z.object({
  id: z.string(),
  project_id: z.string(),
  user_id: z.string(),
  topic: z.string(),
  voice: z.string(),
  content: z
    .object({
      title: z.string(),
      introduction: z.string(),
      sections: z.array(z.object({ heading: z.string(), content: z.string() })),
      conclusion: z.string(),
      meta_description: z.string(),
      meta_keywords: z.array(z.string()),
      markdown: z.string(),
      word_count: z.number().int(),
    })
    .nullable()
    .describe('null until the post is completed'),
  status: statusSchema,
  generator: z.string().nullable().describe('what wrote it: provider:model, or the offline composer'),
  created_at: z.string(),
});

export function postToRest(ref: FragmentOf<typeof PostFields>): z.input<typeof postSchema> {
  const p = readFragment(PostFields, ref);
  const c = p.content;
  return {
    id: p.id,
    project_id: p.projectId,
    user_id: p.userId,
    topic: p.topic,
    voice: p.voice,
    content: c && {
      title: c.title,
      introduction: c.introduction,
      sections: c.sections.map((s) => ({ heading: s.heading, content: s.content })),
      conclusion: c.conclusion,
      meta_description: c.metaDescription,
      meta_keywords: c.metaKeywords,
      markdown: c.markdown,
      word_count: c.wordCount,
    },
    status: p.status as PostStatus,
    generator: p.generator,
    created_at: p.createdAt,
  };
}

export const PostItemFields = graphql(`
  fragment SereloPostItem on Post {
    id
    projectId
    topic
    voice
    status
    wordCount
    createdAt
  }
`);

export const postItemSchema = z.object({
  id: z.string(),
  project_id: z.string(),
  topic: z.string(),
  voice: z.string(),
  status: statusSchema,
  word_count: z.number().int().nullable(),
  created_at: z.string(),
});

export function postItemToRest(ref: FragmentOf<typeof PostItemFields>): z.input<typeof postItemSchema> {
  const p = readFragment(PostItemFields, ref);
  return {
    id: p.id,
    project_id: p.projectId,
    topic: p.topic,
    voice: p.voice,
    status: p.status as PostStatus,
    word_count: p.wordCount,
    created_at: p.createdAt,
  };
}

export const acceptedSchema = z.object({
  job_id: z.string(),
  status: z.literal('queued'),
  message: z.string(),
});
