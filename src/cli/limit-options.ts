import { FieldError, positiveInteger } from '../io/field-checks';
import { MODEL_LIMIT_OPTIONS, type ModelLimits } from '../limits';

/** The model limits raised (or lowered) on the command line with --max-width etc. */
export function limitsFromOptions(values: Map<string, string>): Partial<ModelLimits> {
  const limits: Partial<ModelLimits> = {};
  for (const [key, option] of Object.entries(MODEL_LIMIT_OPTIONS) as [keyof ModelLimits, string][]) {
    const given = values.get(option);
    if (given === undefined) continue;
    const n = Number(given);
    try {
      limits[key] = positiveInteger(option, n, Number.MAX_SAFE_INTEGER);
    } catch (err) {
      throw err instanceof FieldError ? new Error(`${option} takes a positive integer, got ${JSON.stringify(given.slice(0, 20))}`) : err;
    }
  }
  return limits;
}
