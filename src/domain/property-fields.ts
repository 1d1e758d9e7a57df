// The structure of a property as plain data: which fields exist, nested how, and what kind of value each
// holds. Derived once from the property schema itself (`z.toJSONSchema`), so there is no second list of
// field names to keep in step with schemas.ts. Tape readers and the CSV writer walk it; a field of a kind
// they cannot carry (a boolean, say) makes this module fail at load rather than read it wrongly.
import { z } from 'zod';
import { propertySchema } from './schemas.ts';

export type PathSegment = string | number;

export type FieldLeaf =
  | {
      kind: 'number';
      integer: boolean;
      /** A dollar amount (`x-unit: USD` in the schema): `$` and thousands separators are read. */
      money: boolean;
    }
  | {
      kind: 'text';
      /** The allowed values, for enums. */
      values?: readonly string[];
      /** `date` for YYYY-MM-DD fields. */
      format?: string;
    };

export type FieldNode =
  | FieldLeaf
  | { kind: 'object'; fields: ReadonlyMap<string, FieldNode>; required: readonly string[] }
  | { kind: 'array'; element: FieldNode; maxItems: number };
export type ObjectNode = Extract<FieldNode, { kind: 'object' }>;

function fieldNode(schema: z.core.JSONSchema._JSONSchema, where: string): FieldNode {
  if (typeof schema === 'object') {
    switch (schema.type) {
      case 'number':
      case 'integer':
        return { kind: 'number', integer: schema.type === 'integer', money: schema['x-unit'] === 'USD' };
      case 'string':
        return {
          kind: 'text',
          ...(Array.isArray(schema.enum) && { values: schema.enum.map(String) }),
          ...(typeof schema.format === 'string' && { format: schema.format }),
        };
      case 'object': {
        const fields = new Map(
          Object.entries(schema.properties ?? {}).map(([name, field]) => [name, fieldNode(field, `${where}.${name}`)]),
        );
        return { kind: 'object', fields, required: schema.required ?? [] };
      }
      case 'array':
        if (schema.items !== undefined && !Array.isArray(schema.items) && schema.maxItems !== undefined)
          return { kind: 'array', element: fieldNode(schema.items, `${where}[]`), maxItems: schema.maxItems };
    }
  }
  throw new Error(`property-fields: no tabular form for the field ${where} (${JSON.stringify(schema)})`);
}

/** The structure of a property; the date passed only moves date limits, which are not used here. */
export const PROPERTY_FIELDS = ((): ObjectNode => {
  const root = fieldNode(z.toJSONSchema(propertySchema({ asOf: new Date(0) }), { io: 'input' }), 'property');
  if (root.kind !== 'object') throw new Error('property-fields: a property must be an object');
  return root;
})();

/** The node at `path` (list indices stand for any item), or undefined when no field is there. */
export function fieldAt(path: readonly PathSegment[]): FieldNode | undefined {
  let node: FieldNode | undefined = PROPERTY_FIELDS;
  for (const segment of path) {
    if (node === undefined) return undefined;
    if (typeof segment === 'number') node = node.kind === 'array' ? node.element : undefined;
    else node = node.kind === 'object' ? node.fields.get(segment) : undefined;
  }
  return node;
}

/** Every leaf field without list items, in schema order: `propertyId`, ..., `loan.balance`, ... */
export function scalarFieldPaths(node: FieldNode = PROPERTY_FIELDS, prefix: string[] = []): string[][] {
  if (node.kind === 'object')
    return [...node.fields].flatMap(([name, field]) => scalarFieldPaths(field, [...prefix, name]));
  return node.kind === 'array' ? [] : [prefix];
}
