/**
 * An SLA policy or business calendar setting is unusable. Raised at start-up (or when an admin
 * saves a policy) with every offending field in the message, so nothing runs on a bad policy.
 */
export class SlaConfigError extends Error {
  readonly code = 'invalid_sla_config' as const;
  readonly issues: string[];

  constructor(options: { what: string; issues: string[] }) {
    super(`invalid ${options.what}: ${options.issues.join('; ')}`);
    this.name = 'SlaConfigError';
    this.issues = options.issues;
  }
}

/** Turns zod issues into `path: message` lines for {@link SlaConfigError}. */
export function describeIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}
