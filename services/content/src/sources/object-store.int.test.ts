import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { asCaller, graphql, infraS3Env, testServiceEnv } from '@seren/testing';
import { startContentService, type ContentService } from '../service';
import { FolderObjectStore, ObjectNotFound, objectStoreOf, type ObjectStore } from './object-store';
import { S3ObjectStore } from './s3-store';

// One contract, both stores: the folder, and S3 against the real S3-compatible server infra/
// starts (SeaweedFS's S3 gateway; `npm run infra:up`), with signed requests.

const folder = mkdtempSync(join(tmpdir(), 'object-store-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const stores: [string, () => Promise<ObjectStore>][] = [
  ['the folder store', async () => new FolderObjectStore(folder)],
  ['the S3 store (SeaweedFS)', () => objectStoreOf({ ...infraS3Env(), S3_BUCKET: `test-${randomUUID()}` })],
];

describe.each(stores)('%s', (_name, make) => {
  let store: ObjectStore;
  beforeAll(async () => {
    store = await make();
    await store.check();
  });
  afterAll(() => store?.close?.());

  it('writes, reads back, streams, tells what exists and deletes (twice without error)', async () => {
    await store.put('sources/p/a.txt', Buffer.from('hello'), 'text/plain');
    expect((await store.get('sources/p/a.txt')).toString()).toBe('hello');
    const chunks: Buffer[] = [];
    for await (const chunk of await store.stream('sources/p/a.txt')) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('hello');
    expect(await store.exists('sources/p/a.txt')).toBe(true);
    await store.delete('sources/p/a.txt');
    await store.delete('sources/p/a.txt');
    expect(await store.exists('sources/p/a.txt')).toBe(false);
    await expect(store.get('sources/p/a.txt')).rejects.toBeInstanceOf(ObjectNotFound);
  });

  it('stores a 12 MB stream of unknown length intact (multipart on S3)', async () => {
    const bytes = Buffer.alloc(12 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 4096) bytes.writeUInt32BE(i, i);
    const pieces = Array.from({ length: 48 }, (_, i) => bytes.subarray(i * 262_144, (i + 1) * 262_144));
    await store.put('big/file.bin', Readable.from(pieces));
    expect((await store.get('big/file.bin')).equals(bytes)).toBe(true);
    await store.delete('big/file.bin');
  });

  it('leaves nothing behind when the stream fails midway', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(6 * 1024 * 1024));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(store.put('broken/file.bin', failing)).rejects.toThrow('client went away');
    expect(await store.exists('broken/file.bin')).toBe(false);
  });
});

describe('sources on S3 (content with S3_ENDPOINT)', () => {
  let service: ContentService;
  beforeAll(async () => {
    service = await startContentService(
      testServiceEnv('content', { env: { ...infraS3Env(), S3_BUCKET: `test-${randomUUID()}` } }),
    );
  });
  afterAll(() => service?.close());

  it('chooses S3, stores the upload there, parses it and deletes it from the bucket', async () => {
    expect(service.application.objects).toBeInstanceOf(S3ObjectStore);
    const user = randomUUID();
    const headers = await asCaller({ subject: user });
    const project = await graphql<{ createProject: { id: string } }>(
      service.url,
      `
        mutation {
          createProject(name: "On S3") {
            id
          }
        }
      `,
      {},
      headers,
    );
    const form = new FormData();
    form.append('file', new Blob(['# Stored in S3\n\nBody.\n']), 'notes.md');
    const response = await fetch(
      `${service.url}/internal/sources/projects/${project.data!.createProject.id}/sources`,
      { method: 'POST', headers, body: form },
    );
    expect(response.status).toBe(201);
    const uploaded = (await response.json()) as { id: string; s3_key: string };
    expect(await service.application.objects.exists(uploaded.s3_key)).toBe(true);
    const deadline = Date.now() + 30_000;
    let source: { status: string; parsedText: string | null } | undefined;
    while (Date.now() < deadline) {
      const r = await graphql<{ source: { status: string; parsedText: string | null } }>(
        service.url,
        `
          query ($id: ID!) {
            source(id: $id) {
              status
              parsedText
            }
          }
        `,
        { id: uploaded.id },
        headers,
      );
      source = r.data?.source;
      if (source?.status === 'parsed') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(source).toEqual({ status: 'parsed', parsedText: '# Stored in S3\n\nBody.' });
    await graphql(
      service.url,
      `
        mutation ($id: ID!) {
          deleteSource(id: $id)
        }
      `,
      { id: uploaded.id },
      headers,
    );
    expect(await service.application.objects.exists(uploaded.s3_key)).toBe(false);
  });
});
