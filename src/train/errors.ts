/** Thrown the moment a loss or gradient stops being finite, naming where it happened. */
export class NonFiniteError extends Error {
  constructor(
    readonly step: number,
    readonly where: string,
    readonly value: number,
  ) {
    super(
      `training diverged at step ${step}: ${where} is ${value}. ` +
        'Try a lower learning rate or gradient clipping (clipNorm), and check the data for extreme values.',
    );
    this.name = 'NonFiniteError';
  }
}
