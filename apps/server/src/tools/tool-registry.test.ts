import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { calculatorTool, currentTimeTool } from './built-in-tools.js';
import { calculate } from './calculator.js';
import { ToolRegistry } from './tool-registry.js';

const call = (name: string, args: unknown) => ({
  id: 'call_1',
  name,
  arguments: typeof args === 'string' ? args : JSON.stringify(args),
});
const signal = new AbortController().signal;

describe('ToolRegistry', () => {
  const registry = new ToolRegistry().register(calculatorTool).register(currentTimeTool);

  it('shows the model each tool with a JSON Schema made from its zod schema', () => {
    expect(registry.definitions()).toContainEqual({
      name: 'calculator',
      description: 'Evaluates an arithmetic expression with + - * / % ^ and parentheses.',
      parameters: {
        type: 'object',
        properties: { expression: { type: 'string', minLength: 1, maxLength: 1_000 } },
        required: ['expression'],
        additionalProperties: false,
      },
    });
  });

  it('runs a valid call', async () => {
    expect(
      await registry.execute(call('calculator', { expression: '2 * (3 + 4)' }), signal),
    ).toEqual({ content: '14', isError: false });
  });

  it.each<[string, ReturnType<typeof call>, string]>([
    ['an unknown tool', call('rm', {}), 'error: there is no tool named "rm"'],
    [
      'arguments that are not JSON',
      call('calculator', '{oops'),
      'error: the arguments are not valid JSON',
    ],
    [
      'arguments that miss the schema',
      call('calculator', { expr: '1' }),
      'error: invalid arguments: expression: Invalid input: expected string, received undefined; (arguments): Unrecognized key: "expr"',
    ],
    [
      'a tool that throws',
      call('calculator', { expression: '1 +' }),
      'error: the expression ends too early',
    ],
  ])('hands %s back to the model as an error result', async (_case, toolCall, content) => {
    expect(await registry.execute(toolCall, signal)).toEqual({ content, isError: true });
  });

  it('times a tool out, even one that ignores its signal', async () => {
    const slow = new ToolRegistry().register({
      name: 'slow',
      description: 'never answers',
      input: z.object({}),
      timeoutMs: 50,
      run: () => new Promise<string>(() => undefined),
    });

    expect(await slow.execute(call('slow', {}), signal)).toEqual({
      content: 'error: the tool did not finish within 50 ms',
      isError: true,
    });
  });

  it("rethrows the run's own abort instead of answering the model", async () => {
    const controller = new AbortController();
    const slow = new ToolRegistry().register({
      name: 'slow',
      description: 'never answers',
      input: z.object({}),
      run: () => new Promise<string>(() => undefined),
    });
    setTimeout(() => controller.abort(new Error('run aborted')), 20);

    await expect(slow.execute(call('slow', {}), controller.signal)).rejects.toThrow('run aborted');
  });

  it('refuses a tool name providers would refuse, or a duplicate', () => {
    expect(() => registry.register({ ...calculatorTool, name: 'bad name' })).toThrow(RangeError);
    expect(() => registry.register(calculatorTool)).toThrow(
      'tool calculator is already registered',
    );
  });
});

describe('calculate', () => {
  it.each<[string, number]>([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['2 ^ 3 ^ 2', 512],
    ['-4 + 10 % 4', -2],
    ['1.5e3 / 3', 500],
  ])('evaluates %s as %s', (expression, value) => {
    expect(calculate(expression)).toBe(value);
  });

  it.each<[string, string]>([
    ['process.exit()', 'unexpected "p" at 0'],
    ['1 / 0', 'the result is not a finite number'],
    ['(1 + 2', 'missing ")" at 6'],
  ])('refuses %s', (expression, message) => {
    expect(() => calculate(expression)).toThrow(message);
  });
});

describe('current_time', () => {
  it('names an unknown time zone in its error', async () => {
    const registry = new ToolRegistry().register(currentTimeTool);

    const result = await registry.execute(
      call('current_time', { timeZone: 'Mars/Olympus' }),
      signal,
    );

    expect(result.isError).toBe(true);
    expect(result.content).toContain('Mars/Olympus');
  });
});
