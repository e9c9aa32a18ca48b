import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { loadConfig } from '@seren/service-kit';
import { S3ObjectStore } from './s3-store.js';

/**
 * Where uploaded files and their extracted text live: one interface, two stores. A folder on disk
 * by default; any S3-compatible server when S3_ENDPOINT is set. Code above this port is the same.
 */
export interface ObjectStore {
  /** what the running service chose, for its startup log and README */
  readonly description: string;
  /** Writes `body` under `key`, streaming (an object is never held whole in memory to be written). */
  put(key: string, body: Readable | Buffer, contentType?: string): Promise<void>;
  /** The whole object (the parsers need it whole); NOT_FOUND-style error when absent. */
  get(key: string): Promise<Buffer>;
  stream(key: string): Promise<Readable>;
  /** Removes the object; removing an absent one is not an error (deletes are retried). */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Readiness: the store answers (the bucket exists, the folder is writable). */
  check(): Promise<void>;
  /** releases connections at shutdown */
  close?(): void;
}

export const objectStoreConfigSchema = z.object({
  /** an S3-compatible endpoint, e.g. http://127.0.0.1:8333; unset: the folder store */
  S3_ENDPOINT: z.url().optional(),
  S3_BUCKET: z.string().min(3).default('seren-content'),
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** the folder store's root */
  CONTENT_STORAGE_DIR: z.string().default(join('.data', 'content-objects')),
});

/** The store configuration chooses, in this one place. */
export async function objectStoreOf(env: Record<string, string | undefined>): Promise<ObjectStore> {
  const config = loadConfig(objectStoreConfigSchema, env);
  if (config.S3_ENDPOINT) {
    const store = new S3ObjectStore({
      endpoint: config.S3_ENDPOINT,
      bucket: config.S3_BUCKET,
      region: config.S3_REGION,
      accessKeyId: config.S3_ACCESS_KEY_ID,
      secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    });
    await store.ensureBucket();
    return store;
  }
  return new FolderObjectStore(resolve(config.CONTENT_STORAGE_DIR));
}

export class ObjectNotFound extends Error {
  constructor(key: string) {
    super(`object ${key} not found`);
    this.name = 'ObjectNotFound';
  }
}

/** Objects as files under one folder; written to a temporary name and renamed, so a reader never sees half a file. */
export class FolderObjectStore implements ObjectStore {
  readonly description: string;

  constructor(private readonly root: string) {
    this.description = `folder ${root}`;
  }

  private pathOf(key: string): string {
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new Error(`object key ${key} leaves the store`);
    return path;
  }

  async put(key: string, body: Readable | Buffer): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const partial = `${path}.${randomUUID()}.partial`;
    try {
      await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, createWriteStream(partial));
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ObjectNotFound(key);
      throw error;
    }
  }

  async stream(key: string): Promise<Readable> {
    if (!(await this.exists(key))) throw new ObjectNotFound(key);
    return createReadStream(this.pathOf(key));
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch {
      return false;
    }
  }

  async check(): Promise<void> {
    await mkdir(this.root, { recursive: true });
  }
}
