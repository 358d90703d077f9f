/**
 * Reads the entries of a Lambda zip package, to check what `sls package` put in it. Only what a
 * zip written by serverless-esbuild (archiver) uses: no zip64, no encryption, stored or deflated.
 * Layout from PKWARE's APPNOTE.TXT, sections 4.3.7 (local header), 4.3.12 (central directory)
 * and 4.3.16 (end of central directory).
 */
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
/** The end record is 22 bytes plus a comment of up to 65535 bytes. */
const END_RECORD_MAX_DISTANCE = 22 + 0xffff;
const METHOD_STORED = 0;
const METHOD_DEFLATED = 8;

export interface ZipEntry {
  name: string;
  /** The uncompressed content. */
  read(): Buffer;
}

export function readZipEntries(zipPath: string): ZipEntry[] {
  const zip = readFileSync(zipPath);
  const endOffset = findEndRecord(zip);
  const count = zip.readUInt16LE(endOffset + 10);
  let offset = zip.readUInt32LE(endOffset + 16);
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index += 1) {
    if (zip.readUInt32LE(offset) !== CENTRAL_DIRECTORY_HEADER) throw new Error(`${zipPath}: bad central directory at ${offset}`);
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    entries.push({ name, read: () => readContent(zip, zipPath, localOffset, method, compressedSize) });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function findEndRecord(zip: Buffer): number {
  const lowest = Math.max(0, zip.length - END_RECORD_MAX_DISTANCE);
  for (let offset = zip.length - 22; offset >= lowest; offset -= 1) {
    if (zip.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY) return offset;
  }
  throw new Error('not a zip file: no end of central directory record');
}

function readContent(zip: Buffer, zipPath: string, localOffset: number, method: number, compressedSize: number): Buffer {
  if (zip.readUInt32LE(localOffset) !== LOCAL_FILE_HEADER) throw new Error(`${zipPath}: bad local header at ${localOffset}`);
  const start = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
  const data = zip.subarray(start, start + compressedSize);
  if (method === METHOD_STORED) return Buffer.from(data);
  if (method === METHOD_DEFLATED) return inflateRawSync(data);
  throw new Error(`${zipPath}: compression method ${method} is not stored or deflate`);
}
