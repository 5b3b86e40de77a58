import { tool } from '@langchain/core/tools';
import { all, create } from 'mathjs';
import { z } from 'zod';

/** The longest expression the calculator accepts. */
export const MAX_EXPRESSION_LENGTH = 500;

const math = create(all as NonNullable<typeof all>);
// Keep a reference to the real evaluator, then disable the functions the mathjs security
// guide names as risky inside expressions (they alter the instance or parse arbitrary input).
const limitedEvaluate = math.evaluate.bind(math);
const disabled = (name: string) => () => {
  throw new Error(`The function ${name} is disabled in this calculator.`);
};
math.import(
  Object.fromEntries(
    [
      'import',
      'createUnit',
      'evaluate',
      'parse',
      'simplify',
      'derivative',
      'resolve',
      'compile',
    ].map((name) => [name, disabled(name)]),
  ),
  { override: true },
);

/**
 * Evaluates an arithmetic expression with a restricted mathjs instance (never JavaScript's
 * `eval`). Returns the result as text; throws an error safe to show when the expression is
 * invalid, uses a disabled function, or does not give a finite number.
 */
export function calculate(expression: string): string {
  const trimmed = expression.trim();
  if (trimmed.length === 0) throw new Error('The expression is empty.');
  if (trimmed.length > MAX_EXPRESSION_LENGTH)
    throw new Error(`The expression is longer than ${MAX_EXPRESSION_LENGTH} characters.`);
  let value: unknown;
  try {
    value = limitedEvaluate(trimmed);
  } catch (error) {
    throw new Error(
      `Cannot evaluate "${trimmed}": ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  if (typeof value === 'function' || value === undefined || value === null)
    throw new Error(`"${trimmed}" does not evaluate to a value.`);
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new Error(`"${trimmed}" does not give a finite number (${String(value)}).`);
  if (typeof value === 'object' && 'entries' in value && !('isMatrix' in value)) {
    // A ResultSet (several statements): keep only the last value.
    const entries = (value as { entries: unknown[] }).entries;
    value = entries[entries.length - 1];
  }
  return math.format(value, { precision: 14 });
}

/** The `calculator` tool. */
export const calculatorTool = tool(
  ({ expression }) =>
    JSON.stringify({ expression: expression.trim(), result: calculate(expression) }),
  {
    name: 'calculator',
    description:
      'Evaluates an arithmetic expression exactly, e.g. "(12.5 * 4) / 3", "2^10", "sqrt(2)", ' +
      '"10 % 3". Use it for any arithmetic instead of computing in your head.',
    schema: z.object({
      expression: z
        .string()
        .max(MAX_EXPRESSION_LENGTH)
        .describe('The arithmetic expression to evaluate (mathjs syntax).'),
    }),
  },
);
