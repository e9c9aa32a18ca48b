// The parts infra/ manages, in the order they are reported.
import { anvilPart } from './anvil.ts';
import { kafkaPart } from './kafka.ts';
import type { Part } from './part.ts';
import { postgresPart } from './postgres.ts';
import type { PartName, Settings } from './settings.ts';
import { stripeMockPart } from './stripe-mock.ts';
import { s3Part } from './s3.ts';
import { temporalPart } from './temporal.ts';

const FACTORIES: Record<PartName, (settings: Settings) => Part> = {
  postgres: postgresPart,
  kafka: kafkaPart,
  temporal: temporalPart,
  'stripe-mock': stripeMockPart,
  s3: s3Part,
  anvil: anvilPart,
};

/** The parts selected by INFRA_PARTS (all by default). */
export function selectedParts(settings: Settings): Part[] {
  return settings.parts.map((name) => FACTORIES[name](settings));
}
