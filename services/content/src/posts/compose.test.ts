import { assemblePost, blocksOf, OFFLINE_GENERATOR, planOutline, weaveLinks, writeSection } from './compose';
import { countWords, wordRanges } from './lengths';
import type { SourceText } from './sources';
import { fastApiGuide } from './test-support/fixtures';
import { offlineWriter } from './writer';

const headings = [...fastApiGuide.matchAll(/^(#+) (.+)$/gm)].map((m) => ({
  depth: m[1]!.length,
  text: m[2]!,
}));
const guide: SourceText = {
  sourceId: 's1',
  filename: 'fastapi-guide.md',
  fileType: 'md',
  status: 'parsed',
  text: fastApiGuide,
  headings,
  wordCount: countWords(fastApiGuide),
  rows: null,
};
const sourceSentences = new Set(blocksOf(guide).flatMap((b) => b.sentences));

describe('the offline composer (extractive: it writes only what the sources say)', () => {
  const brief = {
    topic: 'Async patterns in FastAPI',
    targetLength: 'short' as const,
    customInstructions: null,
  };

  it('plans sections from the source headings, the most relevant ones, in source order', () => {
    const outline = planOutline(brief, [guide]);
    const names = outline.sections.map((s) => s.heading);
    expect(names).toContain('Async patterns');
    expect(names.every((h) => headings.some((x) => x.text === h))).toBe(true);
    const order = outline.sections.map((s) => s.blockIndex);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(outline.title).toBe('Async patterns in FastAPI');
  });

  it('writes every section from sentences of the source, never invented ones', () => {
    const outline = planOutline(brief, [guide]);
    for (const section of outline.sections) {
      const written = writeSection(brief, [guide], section);
      expect(written.content.length).toBeGreaterThan(0);
      for (const sentence of written.content.split(/(?<=[.!?])\s+(?=[A-Z])/))
        expect(sourceSentences).toContain(sentence);
    }
  });

  it('assembles the documented content within the range at most, and says when the sources are too short', () => {
    const outline = planOutline(brief, [guide]);
    const sections = outline.sections.map((s) => writeSection(brief, [guide], s));
    const { content, notes } = assemblePost(brief, [guide], outline, sections, []);
    expect(Object.keys(content).sort()).toEqual(
      [
        'conclusion',
        'introduction',
        'markdown',
        'meta_description',
        'meta_keywords',
        'sections',
        'title',
        'word_count',
      ].sort(),
    );
    expect(content.word_count).toBeLessThanOrEqual(wordRanges.short.max);
    expect(content.markdown.startsWith('# Async patterns in FastAPI')).toBe(true);
    expect(content.meta_description.length).toBeLessThanOrEqual(160);
    expect(content.word_count).toBeLessThan(wordRanges.short.min);
    expect(notes.join(' ')).toMatch(/sources support \d+ words; target_length short asks for 800-1200/);
  });

  it('keeps to the longest length when the sources hold more than it', () => {
    const many: SourceText[] = Array.from({ length: 6 }, (_, i) => ({ ...guide, sourceId: `s${i}` }));
    const outline = planOutline(brief, many);
    const { content, notes } = assemblePost(
      brief,
      many,
      outline,
      outline.sections.map((s) => writeSection(brief, many, s)),
      [],
    );
    expect(content.word_count).toBeLessThanOrEqual(wordRanges.short.max);
    expect(content.word_count).toBeGreaterThanOrEqual(wordRanges.short.min);
    expect(notes).toEqual([]);
  });

  it('writes nothing from nothing: no sources, an empty post that says why', () => {
    const { content, notes } = assemblePost(brief, [], planOutline(brief, []), [], []);
    expect(content.sections).toEqual([]);
    expect(notes[0]).toMatch(/no parsed source/);
  });

  it('weaves each link once where a keyword occurs (case-insensitive, whole words), not inside another link', () => {
    const { sections, placed } = weaveLinks(
      [
        { heading: 'a', content: 'Search engine optimization matters. SEO again, seo.' },
        { heading: 'b', content: 'Use FastAPI.' },
      ],
      [
        {
          targetUrl: 'https://yourblog.com/seo-guide',
          keywords: ['SEO', 'search engine optimization'],
          anchorText: null,
        },
        { targetUrl: 'https://yourblog.com/fastapi', keywords: ['fastapi'], anchorText: null },
        { targetUrl: 'https://yourblog.com/none', keywords: ['kubernetes'], anchorText: null },
      ],
    );
    expect(sections[0]!.content).toBe(
      'Search engine optimization matters. [SEO](https://yourblog.com/seo-guide) again, seo.',
    );
    expect(sections[1]!.content).toBe('Use [FastAPI](https://yourblog.com/fastapi).');
    expect(placed.map((p) => p.keyword)).toEqual(['SEO', 'fastapi']);
  });

  it('labels its posts as the offline composer', () => {
    expect(offlineWriter.generator).toBe(OFFLINE_GENERATOR);
    expect(OFFLINE_GENERATOR).toMatch(/offline-composer/);
  });
});
