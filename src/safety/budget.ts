import { CassetteError } from '../errors.js';

/**
 * `--max-cost` and `--max-requests` for a live session. A refused request gets a non-retryable,
 * provider-shaped `cassette_budget_exceeded` (HTTP 402: outside every SDK's retry set).
 */
export class Budget {
  #requests = 0;
  #costUsd = 0;

  constructor(
    private readonly maxRequests: number | undefined,
    private readonly maxCostUsd: number | undefined,
  ) {}

  /** Counts one upstream request, or throws when the budget is spent. */
  take(): void {
    if (this.maxRequests !== undefined && this.#requests >= this.maxRequests) {
      throw new CassetteError(
        'cassette_budget_exceeded',
        `request budget spent: ${this.#requests} of --max-requests ${this.maxRequests} sent upstream`,
        {
          hint: 'Raise --max-requests, or replay from cassettes with --mode golden.',
        },
      );
    }
    if (this.maxCostUsd !== undefined && this.#costUsd >= this.maxCostUsd) {
      throw new CassetteError(
        'cassette_budget_exceeded',
        `cost budget spent: $${this.#costUsd.toFixed(4)} of --max-cost $${this.maxCostUsd}`,
        {
          hint: 'Raise --max-cost, or replay from cassettes with --mode golden.',
        },
      );
    }
    this.#requests++;
  }

  addCost(usd: number | undefined): void {
    this.#costUsd += usd ?? 0;
  }
}
