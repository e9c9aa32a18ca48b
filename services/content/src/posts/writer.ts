// The model behind generation, chosen once from configuration (SERELO_MODEL_PROVIDER): the offline
// composer by default (no model on the machine), or a language model through the AI SDK. Both
// write the same three steps the content_generation workflow runs as activities: the outline, one
// section at a time, and the assembled post.
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { postContent, type PostContent, type Voice } from '@seren/contracts';
import { generateText, Output, type LanguageModel } from 'ai';
import { z } from 'zod';
import {
  assemblePost,
  OFFLINE_GENERATOR,
  planOutline,
  weaveLinks,
  writeSection,
  type Brief,
  type LinkTarget,
  type Outline,
} from './compose.js';
import { countWords, wordRanges } from './lengths.js';
import type { SourceText } from './sources.js';

export interface WriterBrief extends Brief {
  voice: Voice;
}

export interface AssembledPost {
  content: PostContent;
  /** what the job's result says about the post (e.g. sources too short for the length) */
  notes: string[];
}

export interface PostWriter {
  /** the post's `generator` label */
  readonly generator: string;
  outline(brief: WriterBrief, sources: readonly SourceText[]): Promise<Outline>;
  section(
    brief: WriterBrief,
    sources: readonly SourceText[],
    outline: Outline,
    index: number,
  ): Promise<{ heading: string; content: string }>;
  assemble(
    brief: WriterBrief,
    sources: readonly SourceText[],
    outline: Outline,
    sections: { heading: string; content: string }[],
    links: readonly LinkTarget[],
  ): Promise<AssembledPost>;
}

/** The embedded default: extractive, from the sources' own text (compose.ts). */
export const offlineWriter: PostWriter = {
  generator: OFFLINE_GENERATOR,
  outline: async (brief, sources) => planOutline(brief, sources),
  section: async (brief, sources, outline, index) => writeSection(brief, sources, outline.sections[index]!),
  assemble: async (brief, sources, outline, sections, links) => {
    const { content, notes } = assemblePost(brief, sources, outline, sections, links);
    if (brief.voice !== 'professional' && brief.voice !== 'technical')
      notes.push(`voice ${brief.voice} is recorded; the offline composer keeps the sources' own wording`);
    return { content, notes };
  },
};

const sourceDigest = (sources: readonly SourceText[], maxChars = 12_000) =>
  sources
    .map((s) => `### ${s.filename}\n${s.text}`)
    .join('\n\n')
    .slice(0, maxChars);

const outlineSchema = z.object({
  title: z.string().min(1).max(200),
  sections: z
    .array(z.object({ heading: z.string().min(1).max(200) }))
    .min(2)
    .max(12),
});
const sectionSchema = z.object({ heading: z.string().min(1), content: z.string().min(1) });
const frameSchema = z.object({
  introduction: z.string().min(1),
  conclusion: z.string().min(1),
  meta_description: z.string().min(1).max(300),
  meta_keywords: z.array(z.string().min(1)).min(1).max(12),
});

/** A language model through the AI SDK: structured output, validated by zod, with retries and a timeout. */
export function aiSdkWriter(
  model: LanguageModel,
  label: string,
  options: { timeoutMs: number; maxRetries: number },
): PostWriter {
  const ask = async <T>(schema: z.ZodType<T>, system: string, prompt: string): Promise<T> => {
    const { output } = await generateText({
      model,
      output: Output.object({ schema }),
      system,
      prompt,
      maxRetries: options.maxRetries,
      abortSignal: AbortSignal.timeout(options.timeoutMs),
    });
    return schema.parse(output);
  };
  const system = (brief: WriterBrief) =>
    `You write blog posts in a ${brief.voice.replace('_', ' ')} voice. Use only facts from the sources given; do not invent statistics or quotes.` +
    (brief.customInstructions ? ` Instructions: ${brief.customInstructions}` : '');
  return {
    generator: label,
    async outline(brief, sources) {
      const { min, max } = wordRanges[brief.targetLength];
      const planned = await ask(
        outlineSchema,
        system(brief),
        `Plan a ${min}-${max} word post on "${brief.topic}". Give a title and section headings.\n\nSources:\n${sourceDigest(sources)}`,
      );
      const budget = Math.floor((max * 0.8) / planned.sections.length);
      return {
        title: planned.title,
        availableWords: sources.reduce((sum, s) => sum + s.wordCount, 0),
        sections: planned.sections.map((s, i) => ({
          heading: s.heading,
          sourceIndex: -1,
          blockIndex: i,
          budget,
        })),
      };
    },
    async section(brief, sources, outline, index) {
      const section = outline.sections[index]!;
      return ask(
        sectionSchema,
        system(brief),
        `Post: "${outline.title}" on ${brief.topic}. Write the section "${section.heading}" in about ${section.budget} words (markdown paragraphs, no heading line).\n\nSources:\n${sourceDigest(sources)}`,
      );
    },
    async assemble(brief, _sources, outline, sections, links) {
      const frame = await ask(
        frameSchema,
        system(brief),
        `Post "${outline.title}" has these sections: ${sections.map((s) => s.heading).join('; ')}. Write its introduction (2-3 sentences), conclusion (2-3 sentences), a meta description under 160 characters and meta keywords.`,
      );
      const woven = weaveLinks(sections, links);
      const markdown = [
        `# ${outline.title}`,
        frame.introduction,
        ...woven.sections.flatMap((s) => [`## ${s.heading}`, s.content]),
        '## Conclusion',
        frame.conclusion,
      ].join('\n\n');
      const content = postContent.parse({
        title: outline.title,
        introduction: frame.introduction,
        sections: woven.sections,
        conclusion: frame.conclusion,
        meta_description: frame.meta_description,
        meta_keywords: frame.meta_keywords,
        markdown,
        word_count: countWords(markdown.replace(/\]\([^)]*\)/g, ']')),
      });
      const { min, max } = wordRanges[brief.targetLength];
      const notes =
        content.word_count < min || content.word_count > max
          ? [
              `the model wrote ${content.word_count} words; target_length ${brief.targetLength} asks for ${min}-${max}`,
            ]
          : [];
      return { content, notes };
    },
  };
}

export const writerConfigKeys = {
  provider: 'SERELO_MODEL_PROVIDER',
  baseUrl: 'SERELO_MODEL_BASE_URL',
  model: 'SERELO_MODEL',
  apiKey: 'SERELO_MODEL_API_KEY',
  timeoutMs: 'SERELO_MODEL_TIMEOUT_MS',
} as const;

/**
 * The writer configuration names: `offline` (default), `openai-compatible` (a local Ollama or vLLM:
 * SERELO_MODEL_BASE_URL such as http://localhost:11434/v1, SERELO_MODEL), `openai`, `anthropic`
 * (SERELO_MODEL_API_KEY; SERELO_MODEL_BASE_URL optional). A wrong setting stops the service at start.
 */
export function postWriterOf(env: Record<string, string | undefined>): PostWriter {
  const provider = env[writerConfigKeys.provider] ?? 'offline';
  if (provider === 'offline') return offlineWriter;
  const modelId = env[writerConfigKeys.model];
  if (!modelId)
    throw new Error(`${writerConfigKeys.model} is required when ${writerConfigKeys.provider}=${provider}`);
  const baseURL = env[writerConfigKeys.baseUrl];
  const apiKey = env[writerConfigKeys.apiKey];
  const timeoutMs = Number(env[writerConfigKeys.timeoutMs] ?? 60_000);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    throw new Error(`${writerConfigKeys.timeoutMs} must be a positive integer (milliseconds)`);
  let model: LanguageModel;
  switch (provider) {
    case 'openai-compatible':
      if (!baseURL)
        throw new Error(
          `${writerConfigKeys.baseUrl} is required when ${writerConfigKeys.provider}=openai-compatible`,
        );
      model = createOpenAICompatible({
        name: 'serelo-model',
        baseURL,
        apiKey,
        supportsStructuredOutputs: true,
      })(modelId);
      break;
    case 'openai':
      model = createOpenAI({ baseURL, apiKey })(modelId);
      break;
    case 'anthropic':
      model = createAnthropic({ baseURL, apiKey })(modelId);
      break;
    default:
      throw new Error(
        `${writerConfigKeys.provider} must be offline, openai-compatible, openai or anthropic (got ${provider})`,
      );
  }
  return aiSdkWriter(model, `${provider}:${modelId}`, { timeoutMs, maxRetries: 2 });
}
