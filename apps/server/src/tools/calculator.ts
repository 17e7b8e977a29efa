/**
 * Evaluates an arithmetic expression: numbers, `+ - * / % ^`, unary minus and parentheses.
 * No names, no calls: nothing the model writes can reach code.
 * @throws Error naming what is wrong and where
 */
export function calculate(expression: string): number {
  const parser = new ExpressionParser(expression);
  const value = parser.parse();
  if (!Number.isFinite(value)) throw new Error('the result is not a finite number');
  return value;
}

class ExpressionParser {
  private position = 0;

  constructor(private readonly text: string) {}

  parse(): number {
    if (this.text.length > 1_000) throw new Error('the expression is longer than 1000 characters');
    const value = this.sum();
    this.skipSpaces();
    if (this.position < this.text.length) {
      throw new Error(`unexpected ${JSON.stringify(this.text[this.position])} at ${this.position}`);
    }
    return value;
  }

  private sum(): number {
    let value = this.product();
    for (;;) {
      if (this.take('+')) value += this.product();
      else if (this.take('-')) value -= this.product();
      else return value;
    }
  }

  private product(): number {
    let value = this.power();
    for (;;) {
      if (this.take('*')) value *= this.power();
      else if (this.take('/')) value /= this.power();
      else if (this.take('%')) value %= this.power();
      else return value;
    }
  }

  private power(): number {
    const base = this.unary();
    // Right-associative: 2^3^2 is 2^9.
    return this.take('^') ? base ** this.power() : base;
  }

  private unary(): number {
    if (this.take('-')) return -this.unary();
    if (this.take('+')) return this.unary();
    return this.atom();
  }

  private atom(): number {
    if (this.take('(')) {
      const value = this.sum();
      if (!this.take(')')) throw new Error(`missing ")" at ${this.position}`);
      return value;
    }
    this.skipSpaces();
    const match = /^(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?/i.exec(this.text.slice(this.position));
    if (!match) {
      const found = this.text[this.position];
      throw new Error(
        found === undefined
          ? 'the expression ends too early'
          : `unexpected ${JSON.stringify(found)} at ${this.position}`,
      );
    }
    this.position += match[0].length;
    return Number(match[0]);
  }

  private take(symbol: string): boolean {
    this.skipSpaces();
    if (this.text[this.position] !== symbol) return false;
    this.position += 1;
    return true;
  }

  private skipSpaces(): void {
    while (this.text[this.position] === ' ') this.position += 1;
  }
}
