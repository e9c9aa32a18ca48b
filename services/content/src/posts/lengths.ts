import type { TargetLength } from '@seren/contracts';

/** The spec's word ranges of `target_length`. */
export const wordRanges: Record<TargetLength, { min: number; max: number }> = {
  short: { min: 800, max: 1200 },
  medium: { min: 1500, max: 2000 },
  long: { min: 2500, max: 3500 },
};

/** Words as Serelo counts them for `word_count`: runs of letters or digits, markup aside. */
export function countWords(text: string): number {
  return (text.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? []).length;
}
