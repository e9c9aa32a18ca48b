// The bench children's CPU profiler (BENCH_CPU_PROF=<dir> in run.ts): `profile start` on stdin starts
// V8's sampling profiler through the inspector, `profile stop <file>` writes what it sampled since as
// a .cpuprofile (Chrome DevTools format; summarise with bench/crm/profile.ts) and prints BENCH_PROFILED.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

let session: Session | undefined;

export async function profileCommand(command: string): Promise<void> {
  if (command === 'start') {
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 250 });
    await session.post('Profiler.start');
    return;
  }
  const [verb, file] = command.split(' ');
  if (verb !== 'stop' || !file || !session) return;
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(file, JSON.stringify(profile));
  session.disconnect();
  session = undefined;
  console.log('BENCH_PROFILED ' + JSON.stringify({ file }));
}
