import 'reflect-metadata';
import { graphql } from 'graphql';
import { Arg, Authorized, buildSchema, Ctx, Field, FieldResolver, Info, Int, MiddlewareFn, ObjectType, Query, Resolver, Root, UseMiddleware } from 'type-graphql';
import { callFieldResolversDirectly } from './schema';

const calls: string[] = [];
const record: MiddlewareFn = (_data, next) => {
  calls.push('middleware');
  return next();
};

@ObjectType()
class Shelf {
  @Field(() => Int)
  size!: number;
}

@Resolver(() => Shelf)
class ShelfResolver {
  @Query(() => Shelf)
  shelf(): Shelf {
    return Object.assign(new Shelf(), { size: 3 });
  }

  @Query(() => Shelf)
  plainShelf(): Shelf {
    return { size: 4 } as Shelf; // not an instance: type-graphql's handler converts it
  }

  @FieldResolver(() => Int)
  doubled(@Root() root: Shelf, @Ctx() ctx: { factor: number }, @Info() info: unknown): number {
    calls.push(`doubled ${root instanceof Shelf} ${typeof info}`);
    return root.size * ctx.factor;
  }

  @FieldResolver(() => Int)
  reordered(@Info() info: { fieldName: string }, @Ctx() ctx: { factor: number }, @Root() root: Shelf): number {
    calls.push(`reordered ${info.fieldName}`);
    return root.size * ctx.factor + 1;
  }

  @FieldResolver(() => Int)
  onlyRoot(@Root() root: Shelf): number {
    return root.size;
  }

  @Authorized()
  @FieldResolver(() => Int)
  guarded(@Root() root: Shelf): number {
    return root.size;
  }

  @UseMiddleware(record)
  @FieldResolver(() => Int)
  intercepted(@Root() root: Shelf): number {
    return root.size;
  }

  @FieldResolver(() => Int)
  withArgument(@Root() root: Shelf, @Arg('by', () => Int) by: number): number {
    return root.size + by;
  }

  @FieldResolver(() => Int)
  ctxProperty(@Root() root: Shelf, @Ctx('factor') factor: number): number {
    return root.size * factor;
  }
}

@Authorized()
@Resolver(() => Shelf)
class GuardedShelfResolver {
  @FieldResolver(() => Int)
  behindClassGuard(@Root() root: Shelf): number {
    return root.size;
  }
}

@UseMiddleware(record)
@Resolver(() => Shelf)
class InterceptedShelfResolver {
  @FieldResolver(() => Int)
  behindClassMiddleware(@Root() root: Shelf): number {
    return root.size;
  }
}

describe('field resolvers called directly', () => {
  it('are those taking only the row, the context and the info, with no role and no middleware; the rest keep type-graphql\'s handler', async () => {
    const resolvers = [ShelfResolver, GuardedShelfResolver, InterceptedShelfResolver] as const;
    const schema = await buildSchema({ resolvers, authChecker: () => false, validate: false });
    expect(callFieldResolversDirectly(await buildSchema({ resolvers, authChecker: () => false, validate: false, globalMiddlewares: [record] }), { resolvers, globalMiddlewares: [record] })).toEqual([]);
    expect(callFieldResolversDirectly(schema, { resolvers }).sort()).toEqual(['Shelf.doubled', 'Shelf.onlyRoot', 'Shelf.reordered']);

    calls.length = 0;
    const run = (source: string) => graphql({ schema, source, contextValue: { factor: 2 } });
    expect((await run('{ shelf { doubled reordered onlyRoot withArgument(by: 1) ctxProperty intercepted behindClassMiddleware } }')).data).toEqual({
      shelf: { doubled: 6, reordered: 7, onlyRoot: 3, withArgument: 4, ctxProperty: 6, intercepted: 3, behindClassMiddleware: 3 },
    });
    expect(calls).toEqual(['doubled true object', 'reordered reordered', 'middleware', 'middleware']);
    // A row that is not an instance of the parameter's type goes through the handler, which converts it.
    calls.length = 0;
    expect((await run('{ plainShelf { doubled } }')).data).toEqual({ plainShelf: { doubled: 8 } });
    expect(calls).toEqual(['doubled true object']);
    // The guards still run.
    for (const field of ['guarded', 'behindClassGuard']) {
      const answer = await run(`{ shelf { ${field} } }`);
      expect(answer.errors?.[0]?.message).toMatch(/Access denied/);
    }
  });
});
