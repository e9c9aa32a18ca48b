import { randomInt } from 'node:crypto';

const ADJECTIVES = [
  'radiant',
  'silent',
  'distant',
  'bright',
  'stellar',
  'lunar',
  'solar',
  'cosmic',
  'golden',
  'swift',
  'quiet',
  'vivid',
  'azure',
  'crimson',
  'silver',
  'amber',
];
const BODIES = [
  'andromeda',
  'orion',
  'vega',
  'sirius',
  'lyra',
  'cassiopeia',
  'polaris',
  'rigel',
  'altair',
  'deneb',
  'draco',
  'pegasus',
  'nebula',
  'quasar',
  'pulsar',
  'comet',
  'aurora',
  'nova',
  'castor',
  'pollux',
  'antares',
  'betelgeuse',
  'capella',
  'hydra',
];

/** e.g. `radiant-andromeda-4821`; the caller checks uniqueness and draws again on a clash. */
export function celestialName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${BODIES[randomInt(BODIES.length)]}-${randomInt(1000, 10000)}`;
}
