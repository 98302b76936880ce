/**
 * The console's login form: one small HTML page, no JavaScript, no external assets, so it loads
 * on a cheap phone over a slow link. Operators in the pilot towns work in Spanish.
 */

const TEXT = {
  title: 'AguaVoz — Ingresar',
  heading: 'AguaVoz',
  username: 'Usuario',
  password: 'Contraseña',
  submit: 'Ingresar',
  invalid: 'Usuario o contraseña incorrectos.',
  tooMany: 'Demasiados intentos. Espere unos minutos y vuelva a intentar.',
  forbidden: 'Solicitud rechazada. Recargue la página e intente de nuevo.',
} as const;

export type LoginProblem = 'invalid' | 'tooMany' | 'forbidden';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** @example renderLoginPage({ next: '/tickets/abc', problem: 'invalid', username: 'rosa' }) */
export function renderLoginPage(options: { next?: string; username?: string; problem?: LoginProblem } = {}): string {
  const problem = options.problem ? `<p class="err" role="alert">${TEXT[options.problem]}</p>` : '';
  const next = options.next ? `<input type="hidden" name="next" value="${escapeHtml(options.next)}">` : '';
  return `<!doctype html>
<html lang="es">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${TEXT.title}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:22rem;margin:2rem auto;padding:0 1rem}
label{display:block;margin-top:1rem}input{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
button{margin-top:1.25rem;padding:.6rem 1.2rem;font-size:1rem}.err{color:#a00}
</style>
</head>
<body>
<h1>${TEXT.heading}</h1>
${problem}
<form method="post" action="/login">
${next}
<label for="username">${TEXT.username}</label>
<input id="username" name="username" autocomplete="username" autocapitalize="none" required value="${escapeHtml(options.username ?? '')}">
<label for="password">${TEXT.password}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">${TEXT.submit}</button>
</form>
</body>
</html>
`;
}

/** Answer to a form posted without this session's CSRF token (or from another site). */
export function renderForbiddenPage(): string {
  return `<!doctype html><html lang="es"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>403</title><p>${TEXT.forbidden}</p><p><a href="/">AguaVoz</a></p></html>\n`;
}
