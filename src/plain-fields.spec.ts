import 'reflect-metadata';
import { Authorized, Field, getMetadataStorage, Int, MiddlewareFn, ObjectType, UseMiddleware } from 'type-graphql';
import { resolvePlainFieldsByDefault } from './schema';

const passThrough: MiddlewareFn = (_data, next) => next();

@ObjectType()
class Guarded {
  @Field(() => Int)
  plain!: number;

  @Authorized()
  @Field(() => Int)
  authorized!: number;

  @UseMiddleware(passThrough)
  @Field(() => Int)
  intercepted!: number;

  @Field(() => Int, { name: 'shown' })
  renamed!: number;
}

@Authorized()
@ObjectType()
class GuardedClass {
  @Field(() => Int)
  inside!: number;
}

@ObjectType()
class InheritsGuard extends GuardedClass {
  @Field(() => Int)
  added!: number;
}

function simpleness(target: Function): Record<string, boolean | undefined> {
  return Object.fromEntries(getMetadataStorage().fields.filter((field) => field.target === target).map((field) => [field.name, field.simple]));
}

describe('fields resolved by graphql-js default resolver', () => {
  it('are only those with no role, no middleware and their own name, wherever the guard was declared', () => {
    resolvePlainFieldsByDefault();
    expect(simpleness(Guarded)).toEqual({ plain: true, authorized: undefined, intercepted: undefined, renamed: undefined });
    expect(simpleness(GuardedClass)).toEqual({ inside: undefined });
    expect(simpleness(InheritsGuard)).toEqual({ added: undefined });
  });
});
