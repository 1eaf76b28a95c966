import { FieldNode, GraphQLResolveInfo, Kind, SelectionSetNode } from 'graphql';

/** What the selection helpers read of a field's resolve info: its nodes and the document's fragments. */
export type FieldSelection = Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>;

const directCache = new WeakMap<readonly FieldNode[], ReadonlySet<string>>();
const nodeCache = new WeakMap<readonly FieldNode[], ReadonlySet<string>>();

/**
 * The names of the fields selected directly under the field being resolved (through fragments and inline
 * fragments, whatever their type condition: a superset is harmless). graphql-js hands every item of a list the same
 * `fieldNodes` array, so a list of fifty asks once.
 */
export function selectedFields(info: FieldSelection): ReadonlySet<string> {
  return fieldsAt(info, [], directCache);
}

/** The fields selected on the nodes of a connection field being resolved (`edges { node { … } }`). */
export function selectedNodeFields(info: FieldSelection): ReadonlySet<string> {
  return fieldsAt(info, ['edges', 'node'], nodeCache);
}

const underCache = new WeakMap<readonly FieldNode[], Map<string, ReadonlySet<string> | null>>();

/**
 * The fields selected on `name`, a field of the type being resolved (`caseVendors { vendor { … } }` asked on
 * caseVendors), or null when `name` is not selected. Every selection of `name` counts, aliases included.
 */
export function selectedFieldsUnder(info: FieldSelection, name: string): ReadonlySet<string> | null {
  let byName = underCache.get(info.fieldNodes);
  if (!byName) underCache.set(info.fieldNodes, (byName = new Map()));
  if (!byName.has(name)) {
    const found = fieldsAt(info, [name]);
    byName.set(name, found.size === 0 ? null : found);
  }
  return byName.get(name)!;
}

function fieldsAt(info: FieldSelection, path: string[], cache?: WeakMap<readonly FieldNode[], ReadonlySet<string>>): ReadonlySet<string> {
  let names = cache?.get(info.fieldNodes);
  if (!names) {
    const found = new Set<string>();
    const collect = (selectionSet: SelectionSetNode | undefined, rest: string[]) => {
      for (const selection of selectionSet?.selections ?? []) {
        if (selection.kind === Kind.FIELD) {
          if (rest.length === 0) found.add(selection.name.value);
          else if (selection.name.value === rest[0]) collect(selection.selectionSet, rest.slice(1));
        } else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet, rest);
        else collect(info.fragments[selection.name.value]?.selectionSet, rest);
      }
    };
    for (const node of info.fieldNodes) collect(node.selectionSet, path);
    names = found;
    cache?.set(info.fieldNodes, names);
  }
  return names;
}
