/**
 * Operational errors of the user service: the CLI prints them, the API answers them with their
 * `code`, nothing is stored.
 */

/** Bad input, one readable line per problem, e.g. `username: use 2–32 letters, digits, . _ -`. */
export class UserInputError extends Error {
  readonly code = 'invalid_user_input' as const;
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'UserInputError';
  }
}

/** The username or phone number already belongs to another user. */
export class UserConflictError extends Error {
  constructor(readonly code: 'username_taken' | 'phone_taken') {
    super(code === 'username_taken' ? 'that username is already taken' : 'that phone number already belongs to another user');
    this.name = 'UserConflictError';
  }
}

export class UserNotFoundError extends Error {
  readonly code = 'user_not_found' as const;
  constructor(readonly usernameOrId: string) {
    super(`no user named or with id "${usernameOrId}"`);
    this.name = 'UserNotFoundError';
  }
}
