import { IsOptional, MaxLength, MinLength } from 'class-validator';
import { ArgumentValidationError } from 'type-graphql';
import { validateArgument } from './validate-argument';

class Sample {
  @MinLength(3)
  title!: string;

  @IsOptional()
  @MaxLength(5)
  note?: string;
}

const sample = (values: Partial<Sample>) => Object.assign(new Sample(), values);

async function failure(value: unknown): Promise<ArgumentValidationError | null> {
  try {
    await validateArgument(value);
    return null;
  } catch (error) {
    return error as ArgumentValidationError;
  }
}

describe('argument validation (the validateFn given to type-graphql)', () => {
  it('passes valid input objects, absent optional fields, scalars and null', async () => {
    expect(await failure(sample({ title: 'long enough' }))).toBeNull();
    expect(await failure(sample({ title: 'abc', note: 'short' }))).toBeNull();
    for (const scalar of [null, undefined, 'x', 3, true]) expect(await failure(scalar)).toBeNull();
  });

  it('refuses an invalid object, or an invalid item of a list, naming the fields as type-graphql does', async () => {
    const refused = await failure(sample({ title: 'ab', note: 'far too long' }));
    expect(refused).toBeInstanceOf(ArgumentValidationError);
    expect((refused!.extensions.validationErrors as { property: string }[]).map((error) => error.property).sort()).toEqual(['note', 'title']);
    const inList = await failure([sample({ title: 'fine' }), null, sample({ title: 'x' })]);
    expect(inList).toBeInstanceOf(ArgumentValidationError);
    expect((inList!.extensions.validationErrors as { property: string }[]).map((error) => error.property)).toEqual(['title']);
  });
});
