/** Evaluates a flow's `when:` conditions against the captured variables and the context. */
import type { EngineContext } from './engine-types';
import type { Condition } from './flow-schema';
import type { VarValue } from './answer-parsers';

export function evaluateCondition(condition: Condition, vars: Record<string, VarValue>, ctx: EngineContext): boolean {
  if ('not' in condition) return !evaluateCondition(condition.not, vars, ctx);
  if ('all' in condition) return condition.all.every((c) => evaluateCondition(c, vars, ctx));
  if ('any' in condition) return condition.any.some((c) => evaluateCondition(c, vars, ctx));
  if ('resident' in condition) return ctx.resident[condition.resident];
  if ('channel' in condition) return ctx.channel === condition.channel;
  const value = vars[condition.var] ?? null;
  if (condition.isSet !== undefined && (value !== null) !== condition.isSet) return false;
  if (condition.equals !== undefined && value !== condition.equals) return false;
  if (condition.in !== undefined && !condition.in.includes(value)) return false;
  if (condition.includes !== undefined && !(typeof value === 'string' && value.split(',').includes(condition.includes))) return false;
  return true;
}
