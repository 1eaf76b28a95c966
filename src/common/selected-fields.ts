import { FieldNode, GraphQLResolveInfo, Kind, SelectionSetNode } from 'graphql';

const cache = new WeakMap<readonly FieldNode[], ReadonlySet<string>>();
const nodeCache = new WeakMap<readonly FieldNode[], ReadonlySet<string>>();

/**
 * The names of the fields selected directly under the field being resolved (through fragments and inline
 * fragments, whatever their type condition: a superset is harmless). graphql-js hands every item of a list the same
 * `fieldNodes` array, so a list of fifty asks once.
 */
export function selectedFields(info: GraphQLResolveInfo): ReadonlySet<string> {
  let names = cache.get(info.fieldNodes);
  if (!names) {
    const found = new Set<string>();
    const visit = (selectionSet: SelectionSetNode | undefined) => {
      for (const selection of selectionSet?.selections ?? []) {
        if (selection.kind === Kind.FIELD) found.add(selection.name.value);
        else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
        else visit(info.fragments[selection.name.value]?.selectionSet);
      }
    };
    for (const node of info.fieldNodes) visit(node.selectionSet);
    names = found;
    cache.set(info.fieldNodes, names);
  }
  return names;
}

/** The fields selected on the nodes of a connection field being resolved (`edges { node { … } }`). */
export function selectedNodeFields(info: GraphQLResolveInfo): ReadonlySet<string> {
  let names = nodeCache.get(info.fieldNodes);
  if (!names) {
    const found = new Set<string>();
    const collect = (selectionSet: SelectionSetNode | undefined, path: string[]) => {
      for (const selection of selectionSet?.selections ?? []) {
        if (selection.kind === Kind.FIELD) {
          if (path.length === 0) found.add(selection.name.value);
          else if (selection.name.value === path[0]) collect(selection.selectionSet, path.slice(1));
        } else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet, path);
        else collect(info.fragments[selection.name.value]?.selectionSet, path);
      }
    };
    for (const node of info.fieldNodes) collect(node.selectionSet, ['edges', 'node']);
    names = found;
    nodeCache.set(info.fieldNodes, names);
  }
  return names;
}
