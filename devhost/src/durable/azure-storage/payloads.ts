// Payloads of the Azure Storage task hub: strings up to MAX_INLINE_CHARS stay in the table row, longer ones go
// to a blob of the hub's large-message container (written before the row that names it), as the Azure Storage
// provider keeps large messages; and the instance row's encoding.
import { randomUUID } from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import type { InstanceRecord } from '../store.ts';
import { ignore404, MAX_INLINE_CHARS, type Props } from './layout.ts';

/** An instance as stored: the record, where its history rows are, and its encoded row properties. */
export interface StoredInstance {
  record: InstanceRecord;
  histGen: number;
  histRows: number;
  /** The encoded row properties (blob references included), reused for the index row and unchanged payloads. */
  props: Props;
}

/** Text properties of table rows, inline or in the hub's large-message container. */
export class Payloads {
  readonly container: ContainerClient;

  constructor(container: ContainerClient) {
    this.container = container;
  }

  /** Encodes a text property: inline when short, else in a blob (reusing the previous blob when unchanged). */
  async packText(
    partition: string,
    name: string,
    text: string | null,
    previous?: Props,
    previousText?: string | null,
  ): Promise<Props> {
    if (text === null) return {};
    if (text.length <= MAX_INLINE_CHARS) return { [name]: text };
    const prevRef = previous?.[`${name}Blob`];
    if (typeof prevRef === 'string' && previousText === text) return { [`${name}Blob`]: prevRef };
    const blobName = `${Buffer.from(partition, 'utf8').toString('base64url')}/${randomUUID()}.json`;
    const body = Buffer.from(text, 'utf8');
    await this.container
      .getBlockBlobClient(blobName)
      .uploadData(body, { blobHTTPHeaders: { blobContentType: 'application/json' } });
    return { [`${name}Blob`]: blobName };
  }

  async readText(row: Record<string, unknown>, name: string): Promise<string> {
    return (await this.readOptionalText(row, name)) ?? '';
  }

  async readOptionalText(row: Record<string, unknown>, name: string): Promise<string | null> {
    const inline = row[name];
    if (typeof inline === 'string') return inline;
    const ref = row[`${name}Blob`];
    if (typeof ref === 'string')
      return (await this.container.getBlockBlobClient(ref).downloadToBuffer()).toString('utf8');
    return null;
  }

  /** Deletes every blob of a partition (a purge). */
  async deletePartition(partition: string): Promise<void> {
    const prefix = `${Buffer.from(partition, 'utf8').toString('base64url')}/`;
    for await (const blob of this.container.listBlobsFlat({ prefix }))
      await this.container.deleteBlob(blob.name).catch(ignore404);
  }
}

/** A row's own properties (without keys, etag and OData metadata). */
export function propsOf(row: Record<string, unknown>): Props {
  const props: Props = {};
  for (const [key, value] of Object.entries(row)) {
    if (key === 'partitionKey' || key === 'rowKey' || key === 'etag' || key === 'timestamp' || key.startsWith('odata'))
      continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') props[key] = value;
  }
  return props;
}

/** The `I` row properties of an instance (payloads unchanged since `previous` reuse its blobs). */
export async function encodeInstance(
  payloads: Payloads,
  record: InstanceRecord,
  histGen: number,
  histRows: number,
  previous?: StoredInstance,
): Promise<Props> {
  const id = record.instanceId;
  const { input, output, customStatus, ...rest } = record;
  const [i, o, c] = await Promise.all([
    payloads.packText(id, 'Input', input, previous?.props, previous?.record.input),
    payloads.packText(id, 'Output', output, previous?.props, previous?.record.output),
    payloads.packText(id, 'CustomStatus', customStatus, previous?.props, previous?.record.customStatus),
  ]);
  return {
    Record: JSON.stringify(rest),
    RuntimeStatus: record.runtimeStatus,
    CreatedTime: record.createdTime,
    HistGen: histGen,
    HistRows: histRows,
    ...i,
    ...o,
    ...c,
  };
}

/** An instance read back from its `I` row (or its index copy). */
export async function decodeInstance(payloads: Payloads, row: Record<string, unknown>): Promise<StoredInstance> {
  const rest = JSON.parse(String(row.Record)) as Omit<InstanceRecord, 'input' | 'output' | 'customStatus'>;
  const [input, output, customStatus] = await Promise.all([
    payloads.readOptionalText(row, 'Input'),
    payloads.readOptionalText(row, 'Output'),
    payloads.readOptionalText(row, 'CustomStatus'),
  ]);
  return {
    record: { ...rest, input, output, customStatus },
    histGen: Number(row.HistGen ?? 0),
    histRows: Number(row.HistRows ?? 0),
    props: propsOf(row),
  };
}
