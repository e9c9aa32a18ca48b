// The offline composer: writes a post from the selected sources' own text and nothing else. Pure
// (no I/O, no clock): each step of the content_generation workflow calls one of these through its
// activity. It never invents filler: sections come from the sources' headings, their text is the
// sources' sentences most relevant to the topic, and when the sources hold fewer words than the
// target length asks for, the post is shorter and the job's result says so.
import type { PostContent, TargetLength } from '@seren/contracts';
import { countWords, wordRanges } from './lengths.js';

/** At most this many sections, however many headings the sources have. */
export const MAX_SECTIONS = 12;
import type { SourceText } from './sources.js';

export const OFFLINE_GENERATOR =
  'offline-composer (extractive: the sources’ own sentences; no language model)';

export interface OutlineSection {
  heading: string;
  /** which source and block of it the section is written from */
  sourceIndex: number;
  blockIndex: number;
  /** words this section may use */
  budget: number;
}

export interface Outline {
  title: string;
  sections: OutlineSection[];
  /** words the selected sources hold in all */
  availableWords: number;
}

export interface Brief {
  topic: string;
  targetLength: TargetLength;
  customInstructions: string | null;
}

interface Block {
  heading: string;
  sentences: string[];
}

const STOPWORDS = new Set(
  'a an and are as at be but by for from has have how i in into is it its of on or our so that the their then there these this to was we were what when where which who why will with you your about can do does not'.split(
    ' ',
  ),
);

export function termsOf(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((t) => t.length > 1 && !STOPWORDS.has(t));
}

/** Sentences of a paragraph-ish text: split after . ! ? followed by space and a capital or digit. */
export function sentencesOf(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .split(/(?<=[.!?])\s+(?=[\p{Lu}\p{N}"“(])/u)
    .map((s) => s.trim())
    .filter((s) => countWords(s) >= 3);
}

const normalise = (line: string) =>
  line
    .replace(/^#+\s*/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();

/**
 * A source cut into blocks at its headings (as its parser found them); text before the first
 * heading, or a source without headings, is one block named after the source file.
 */
export function blocksOf(source: SourceText): Block[] {
  const headingTexts = new Set(source.headings.map((h) => normalise(h.text)).filter((h) => h !== ''));
  const fallback =
    source.filename
      .replace(/\.[^.]+$/, '')
      .replace(/[-_]+/g, ' ')
      .trim() || 'Notes';
  const blocks: { heading: string; lines: string[] }[] = [{ heading: fallback, lines: [] }];
  for (const raw of source.text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') {
      blocks.at(-1)!.lines.push('');
      continue;
    }
    if (headingTexts.has(normalise(line)) && (line.startsWith('#') || line.length <= 120)) {
      blocks.push({ heading: line.replace(/^#+\s*/, '').trim(), lines: [] });
      continue;
    }
    blocks.at(-1)!.lines.push(line.replace(/^[-*+]\s+/, '').replace(/^\d+[.)]\s+/, ''));
  }
  return blocks
    .map((b) => ({
      heading: b.heading,
      sentences: b.lines
        .join('\n')
        .split(/\n\s*\n/)
        .flatMap((paragraph) => sentencesOf(paragraph.replace(/\n/g, ' '))),
    }))
    .filter((b) => b.sentences.length > 0);
}

function relevance(sentence: string, terms: ReadonlySet<string>): number {
  const words = termsOf(sentence);
  if (words.length === 0) return 0;
  const hits = words.filter((w) => terms.has(w)).length;
  return hits + hits / words.length;
}

const briefTerms = (brief: Brief) =>
  new Set([...termsOf(brief.topic), ...termsOf(brief.customInstructions ?? '')]);

/** Plans the post: its title (the topic) and one section per most relevant source block, in source order. */
export function planOutline(brief: Brief, sources: readonly SourceText[]): Outline {
  const terms = briefTerms(brief);
  const candidates = sources.flatMap((source, sourceIndex) =>
    blocksOf(source).map((block, blockIndex) => ({
      sourceIndex,
      blockIndex,
      heading: block.heading,
      words: countWords(block.sentences.join(' ')),
      score:
        block.sentences.reduce((sum, s) => sum + relevance(s, terms), 0) +
        relevance(block.heading, terms) * 3,
    })),
  );
  const availableWords = candidates.reduce((sum, c) => sum + c.words, 0);
  const { max } = wordRanges[brief.targetLength];
  // The sections share about four fifths of the longest length; the introduction, headings and
  // conclusion take the rest. The most relevant blocks are taken until they fill that (or a cap).
  const sectionWords = Math.floor(max * 0.8);
  const ranked = [...candidates].sort(
    (a, b) => b.score - a.score || a.sourceIndex - b.sourceIndex || a.blockIndex - b.blockIndex,
  );
  const chosen: typeof candidates = [];
  let words = 0;
  for (const candidate of ranked) {
    if (words >= sectionWords || chosen.length >= MAX_SECTIONS) break;
    chosen.push(candidate);
    words += candidate.words;
  }
  chosen.sort((a, b) => a.sourceIndex - b.sourceIndex || a.blockIndex - b.blockIndex);
  const scale = words > sectionWords ? sectionWords / words : 1;
  return {
    title: brief.topic.trim(),
    availableWords,
    sections: chosen.map((c) => ({
      heading: c.heading,
      sourceIndex: c.sourceIndex,
      blockIndex: c.blockIndex,
      budget: Math.max(1, Math.floor(c.words * scale)),
    })),
  };
}

/**
 * One section: its block's sentences most relevant to the topic, within the section's budget, in
 * the order the source has them (so they read as the source wrote them).
 */
export function writeSection(
  brief: Brief,
  sources: readonly SourceText[],
  section: OutlineSection,
): { heading: string; content: string } {
  const block = blocksOf(sources[section.sourceIndex]!)[section.blockIndex];
  if (!block) return { heading: section.heading, content: '' };
  const terms = briefTerms(brief);
  const ranked = block.sentences
    .map((sentence, index) => ({
      sentence,
      index,
      score: relevance(sentence, terms),
      words: countWords(sentence),
    }))
    .sort((a, b) => b.score - a.score || a.index - b.index);
  const picked: typeof ranked = [];
  let used = 0;
  for (const candidate of ranked) {
    if (used + candidate.words > section.budget && picked.length > 0) continue;
    picked.push(candidate);
    used += candidate.words;
  }
  const content = picked
    .sort((a, b) => a.index - b.index)
    .map((p) => p.sentence)
    .join(' ');
  return { heading: section.heading, content };
}

export interface LinkTarget {
  targetUrl: string;
  keywords: string[];
  anchorText: string | null;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Weaves each link in once, at the first place one of its keywords occurs in a section's text
 * (case-insensitive, whole words, never inside a link already placed). The anchor is the matched
 * words as the text has them (an `anchor_text` is recorded but not spliced in: replacing the
 * source's words would change what it says).
 */
export function weaveLinks(
  sections: { heading: string; content: string }[],
  links: readonly LinkTarget[],
): { sections: { heading: string; content: string }[]; placed: { targetUrl: string; keyword: string }[] } {
  const out = sections.map((s) => ({ ...s }));
  const placed: { targetUrl: string; keyword: string }[] = [];
  for (const link of links) {
    search: for (const keyword of link.keywords) {
      const pattern = new RegExp(`(?<![\\p{L}\\p{N}\\[])(${escapeRegExp(keyword)})(?![\\p{L}\\p{N}])`, 'iu');
      for (const section of out) {
        // skip text already inside a markdown link: [..](..)
        const parts = section.content.split(/(\[[^\]]*\]\([^)]*\))/);
        for (let i = 0; i < parts.length; i += 2) {
          const match = pattern.exec(parts[i]!);
          if (!match) continue;
          parts[i] =
            parts[i]!.slice(0, match.index) +
            `[${match[1]}](${link.targetUrl})` +
            parts[i]!.slice(match.index + match[1]!.length);
          section.content = parts.join('');
          placed.push({ targetUrl: link.targetUrl, keyword });
          break search;
        }
      }
    }
  }
  return { sections: out, placed };
}

/** The documented `content` object: introduction and conclusion from the sources too, and the markdown. */
export function assemblePost(
  brief: Brief,
  sources: readonly SourceText[],
  outline: Outline,
  written: { heading: string; content: string }[],
  links: readonly LinkTarget[],
): { content: PostContent; notes: string[]; linksPlaced: number } {
  const terms = briefTerms(brief);
  const sections = written.filter((s) => s.content.trim() !== '');
  const used = new Set(sections.flatMap((s) => sentencesOf(s.content)));
  const { min, max } = wordRanges[brief.targetLength];
  // introduction: the most relevant sentences of the sources not already used in a section
  const pool = sources
    .flatMap((source) => blocksOf(source).flatMap((b) => b.sentences))
    .filter((s) => !used.has(s))
    .map((sentence, index) => ({ sentence, index, score: relevance(sentence, terms) }))
    .sort((a, b) => b.score - a.score || a.index - b.index);
  const sectionWords = sections.reduce((sum, s) => sum + countWords(s.content), 0);
  const introBudget = Math.max(0, Math.min(Math.floor(max * 0.08), max - sectionWords - 40));
  const intro: string[] = [];
  let introWords = 0;
  for (const candidate of pool) {
    const words = countWords(candidate.sentence);
    if (introWords + words > introBudget) continue;
    intro.push(candidate.sentence);
    introWords += words;
    if (intro.length >= 3) break;
  }
  const woven = weaveLinks(sections, links);
  const introduction = intro.join(' ');
  // The conclusion names what the post covered; it adds no claim the sources do not make.
  const conclusion = sections.length
    ? `This post drew on ${sources.length === 1 ? 'one source' : `${sources.length} sources`} and covered: ${sections
        .map((s) => s.heading)
        .join('; ')}.`
    : '';
  const metaDescription = (introduction || woven.sections[0]?.content || brief.topic).replace(
    /\[([^\]]*)\]\([^)]*\)/g,
    '$1',
  );
  const keywordCounts = new Map<string, number>();
  for (const term of termsOf(sections.map((s) => s.content).join(' ')))
    keywordCounts.set(term, (keywordCounts.get(term) ?? 0) + 1);
  const metaKeywords = [...new Set(termsOf(brief.topic))].filter((t) => keywordCounts.has(t));
  const markdown = [
    `# ${outline.title}`,
    introduction,
    ...woven.sections.flatMap((s) => [`## ${s.heading}`, s.content]),
    ...(conclusion ? ['## Conclusion', conclusion] : []),
  ]
    .filter((part) => part !== '')
    .join('\n\n');
  const wordCount = countWords(
    [
      outline.title,
      introduction,
      ...woven.sections.flatMap((s) => [s.heading, s.content.replace(/\]\([^)]*\)/g, ']')]),
      conclusion,
    ].join(' '),
  );
  const notes: string[] = [];
  if (sources.length === 0) notes.push('no parsed source was selected, so there was nothing to write from');
  if (wordCount < min)
    notes.push(
      `the sources support ${wordCount} words; target_length ${brief.targetLength} asks for ${min}-${max}. The offline composer wrote what the sources support and added no filler.`,
    );
  return {
    content: {
      title: outline.title,
      introduction,
      sections: woven.sections,
      conclusion,
      meta_description: truncate(metaDescription, 160),
      meta_keywords: metaKeywords.length ? metaKeywords : [...new Set(termsOf(brief.topic))].slice(0, 5),
      markdown,
      word_count: wordCount,
    },
    notes,
    linksPlaced: woven.placed.length,
  };
}

function truncate(text: string, length: number): string {
  if (text.length <= length) return text;
  const cut = text.slice(0, length - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 1))}…`;
}
