// Servers written in Go (temporal CLI, stripe-mock) are built from the Go module proxy at a pinned
// version into the cache, once; a `<binary>.version` file beside each records what was built.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { step, type Log } from './log.ts';
import { run } from './process.ts';

export interface GoTool {
  /** file name of the installed binary */
  readonly binary: string;
  /** package path given to `go install` */
  readonly pkg: string;
  /** pinned module version, e.g. v1.5.1 */
  readonly version: string;
  /**
   * The module `pkg` lives in, for modules whose go.mod has replace directives (SeaweedFS):
   * `go install pkg@version` refuses those, so the module is downloaded and built in place.
   */
  readonly module?: string;
  /**
   * Dependencies raised above what the module's go.mod names, e.g. a driver whose fix the pinned
   * release predates: the module is then built in a writable copy (with `module` set) after
   * `go get` of each.
   */
  readonly upgrades?: Readonly<Record<string, string>>;
}

/** What the stamp records: the package at its version, and any raised dependency. */
function builtName(tool: GoTool): string {
  const raised = Object.entries(tool.upgrades ?? {}).map(([dep, version]) => `${dep}@${version}`);
  return [`${tool.pkg}@${tool.version}`, ...raised].join(' with ');
}

// temporal v1.5.1 declares go 1.25; Go 1.21+ fetches a newer toolchain through the module proxy by itself.
const GO_MISSING =
  'Go not found: install Go 1.21 or newer (https://go.dev/dl/ or your package manager; 1.25+ avoids a toolchain download) and put `go` on PATH';

/** Path of the binary, built first if the cache lacks it at the pinned version. */
export async function ensureGoTool(cacheDir: string, tool: GoTool, log: Log): Promise<string> {
  const binDir = join(cacheDir, 'bin');
  const binary = join(binDir, tool.binary);
  const stampFile = `${binary}.version`;
  const wanted = builtName(tool);
  if (existsSync(binary) && readStamp(stampFile) === wanted) return binary;
  if (existsSync(binary) && (await builtVersion(binary)) === wanted) {
    writeFileSync(stampFile, `${wanted}\n`);
    return binary;
  }
  await run('go', ['version'], { missingHint: `${GO_MISSING} (needed once to build ${wanted})` });
  mkdirSync(binDir, { recursive: true });
  log.info(
    `${tool.binary} ${tool.version} is not in ${binDir} yet: building it once from the Go module proxy (minutes on a cold Go cache)`,
  );
  if (tool.module) {
    const module = tool.module;
    const info = await run('go', ['mod', 'download', '-json', `${module}@${tool.version}`], {
      missingHint: GO_MISSING,
    });
    // go may print its downloads beside the JSON
    let dir = (JSON.parse(info.slice(info.indexOf('{'), info.lastIndexOf('}') + 1)) as { Dir: string }).Dir;
    const subdir = `./${tool.pkg.slice(module.length + 1)}`;
    if (tool.upgrades) dir = await raiseDependencies(dir, join(cacheDir, 'build', tool.binary), tool.upgrades, log);
    await step(log, `go build ${wanted} (in its module)`, () =>
      run('go', ['build', '-o', binary, subdir], {
        cwd: dir,
        env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
        missingHint: GO_MISSING,
      }),
    );
  } else {
    await step(log, `go install ${wanted}`, () =>
      run('go', ['install', wanted], {
        env: { ...process.env, GOBIN: binDir, CGO_ENABLED: '0' },
        missingHint: GO_MISSING,
      }),
    );
  }
  writeFileSync(stampFile, `${wanted}\n`);
  return binary;
}

/** A writable copy of the module (the module cache is read-only) with each dependency raised by `go get`. */
async function raiseDependencies(
  moduleDir: string,
  buildDir: string,
  upgrades: Readonly<Record<string, string>>,
  log: Log,
): Promise<string> {
  rmSync(buildDir, { recursive: true, force: true });
  mkdirSync(dirname(buildDir), { recursive: true });
  cpSync(moduleDir, buildDir, { recursive: true });
  await run('chmod', ['-R', 'u+w', buildDir]);
  for (const [dep, version] of Object.entries(upgrades))
    await step(log, `go get ${dep}@${version}`, () =>
      run('go', ['get', `${dep}@${version}`], { cwd: buildDir, missingHint: GO_MISSING }),
    );
  return buildDir;
}

function readStamp(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

/**
 * `pkg@version` read from the build info Go embeds in every binary, when Go is at hand: lets a
 * binary built by hand (or before stamps existed) be recognised instead of rebuilt.
 */
async function builtVersion(binary: string): Promise<string | undefined> {
  try {
    const info = await run('go', ['version', '-m', binary]);
    const pkg = /^\s*path\s+(\S+)/m.exec(info)?.[1];
    const version = /^\s*mod\s+\S+\s+(\S+)/m.exec(info)?.[1];
    return pkg && version ? `${pkg}@${version}` : undefined;
  } catch {
    return undefined;
  }
}
