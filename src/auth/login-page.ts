/**
 * The console's login form: one small HTML page, no JavaScript, no external assets, so it loads
 * on a cheap phone over a slow link. Operators in the pilot towns work in Spanish.
 */

const TEXT = {
  title: 'AguaVoz — Ingresar',
  heading: 'Ingresar a la consola',
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
*{box-sizing:border-box}
body{margin:0;font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f4f6f8}
header{padding:.6em .75em;background:#0b5c7a;color:#fff;font-weight:700}
main{max-width:22rem;margin:1.5rem auto;padding:0 1rem}
h1{font-size:1.3em;margin:.3em 0 .8em}
form{background:#fff;border:1px solid #d8dee4;border-radius:6px;padding:.9em 1em}
label{display:block;font-size:.9em;margin:.6em 0 .2em}
input{width:100%;padding:.5em;font:inherit;border:1px solid #b8c0c8;border-radius:4px}
button{margin-top:1em;width:100%;min-height:2.6em;border:0;border-radius:4px;background:#0b5c7a;color:#fff;font:inherit;font-weight:600;cursor:pointer}
.err{padding:.6em .75em;border-radius:6px;background:#fde2e1;border:1px solid #e59a96}
</style>
</head>
<body>
<header>AguaVoz</header>
<main>
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
</main>
</body>
</html>
`;
}

/** Answer to a form posted without this session's CSRF token (or from another site). */
export function renderForbiddenPage(): string {
  return `<!doctype html><html lang="es"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>403</title><p>${TEXT.forbidden}</p><p><a href="/">AguaVoz</a></p></html>\n`;
}
